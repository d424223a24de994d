import { readPixItem } from "../adapters/pix-items";
import { type Envelope, toEnvelope } from "../envelope";

/**
 * The envelopes the webhook would have made of these `GET /pix` items: the same reader
 * (adapters/pix-items.ts) and the same envelope builder, so the ids are the webhook's and
 * dedup lets through only what it missed; plus `"recovered": true`. An item the reader
 * cannot read is counted and skipped: there is no provider request to quarantine, and the
 * rest of the page must not wait for it.
 */
export async function recoveredEnvelopes(sourceName: string, items: unknown[], receivedAt: Date): Promise<{ envelopes: Envelope[]; unreadable: number }> {
  const envelopes = new Map<string, Envelope>();
  let unreadable = 0;
  for (const item of items) {
    const read = await readPixItem(item);
    if (!read.ok) {
      unreadable += 1;
      continue;
    }
    for (const notification of read.value) {
      const envelope = { ...toEnvelope(sourceName, notification, receivedAt), recovered: true };
      if (!envelopes.has(envelope.id)) envelopes.set(envelope.id, envelope);
    }
  }
  return { envelopes: [...envelopes.values()], unreadable };
}
