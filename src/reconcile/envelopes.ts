import { readPixItem } from "../adapters/pix-items";
import { type Envelope, toEnvelope } from "../envelope";

/** An envelope the reconciler made, and when what it tells of happened (ms; undefined when the PSP did not say). */
export interface Recovered {
  envelope: Envelope;
  happenedAt: number | undefined;
}

/**
 * The envelopes the webhook would have made of these `GET /pix` items: the same reader
 * (adapters/pix-items.ts) and the same envelope builder, so the ids are the webhook's and
 * dedup lets through only what it missed; plus `"recovered": true`. An item the reader
 * cannot read is counted and skipped: there is no provider request to quarantine, and the
 * rest of the page must not wait for it.
 */
export async function recoveredEnvelopes(sourceName: string, items: unknown[], receivedAt: Date): Promise<{ envelopes: Recovered[]; unreadable: number }> {
  const envelopes = new Map<string, Recovered>();
  let unreadable = 0;
  for (const item of items) {
    const read = await readPixItem(item);
    if (!read.ok) {
      unreadable += 1;
      continue;
    }
    for (const notification of read.value) {
      const envelope = { ...toEnvelope(sourceName, notification, receivedAt), recovered: true };
      const happenedAt = notification.time === undefined ? undefined : Date.parse(notification.time);
      if (!envelopes.has(envelope.id)) envelopes.set(envelope.id, { envelope, happenedAt: Number.isNaN(happenedAt) ? undefined : happenedAt });
    }
  }
  return { envelopes: [...envelopes.values()], unreadable };
}

/**
 * How far before `now` dedup still answers for a source: its window, less a margin for the
 * PSP's clock (its `horario` may run ahead of the gateway's receipt of the webhook) and for
 * the ledger dropping a day's marks at their day's end rather than to the second.
 */
export const DEDUP_MARGIN_MS = 10 * 60_000;

export function dedupFloor(now: number, dedupTtlSeconds: number): number {
  return now - dedupTtlSeconds * 1000 + DEDUP_MARGIN_MS;
}

/**
 * Splits what a page gave into what dedup still covers and what it may no longer: a Pix the
 * webhook delivered more than the dedup window ago has lost its mark, and delivering it now
 * would deliver it twice. Those are counted, never delivered. An envelope whose time the PSP
 * did not give is as old as the oldest its scan window holds (`windowStart`).
 */
export function withinDedup(recovered: Recovered[], floor: number, windowStart: number): { fresh: Envelope[]; tooOld: Envelope[] } {
  const fresh: Envelope[] = [];
  const tooOld: Envelope[] = [];
  for (const { envelope, happenedAt } of recovered) ((happenedAt ?? windowStart) >= floor ? fresh : tooOld).push(envelope);
  return { fresh, tooOld };
}
