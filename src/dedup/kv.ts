import { dedupKeyOf, type Envelope } from "../envelope";
import { log } from "../log";

/**
 * The default dedup: one DEDUP KV key per accepted envelope id, written only after the
 * enqueue succeeded and expiring with the source's window.
 *
 * The check is a KV read followed, later, by a KV write: two first deliveries of the same
 * notification that arrive together (a provider retrying after a slow answer) can both pass
 * it, and so can a retry that lands in another location before the write reached it (KV takes
 * up to a minute). KV has no compare-and-set, and refusing one of them would risk losing the
 * notification; so the envelope id is the idempotency key downstream, and targets must treat a
 * repeated id as already done.
 */
export async function seenIds(kv: KVNamespace, envelopes: Envelope[]): Promise<(string | undefined)[]> {
  return Promise.all(envelopes.map((e) => seenAs(kv, e)));
}

/**
 * The envelope id under which this notification was accepted within the window, or undefined.
 * The marker is keyed by `dedupKeyOf` and holds that id (markers written before it held the
 * receipt time: then the envelope's own id), so a retry of a recurring id answers with the id
 * of the occurrence it repeats, even when it falls into the next window.
 */
async function seenAs(kv: KVNamespace, envelope: Envelope): Promise<string | undefined> {
  const key = dedupKeyOf(envelope);
  let value: string | null;
  try {
    value = await kv.get(key);
  } catch {
    return undefined; // at least once: an unreadable marker lets the notification through
  }
  if (value === null) return undefined;
  return value.startsWith(`${key.slice(0, key.indexOf(":"))}:`) ? value : envelope.id;
}

export async function markSeen(kv: KVNamespace, envelopes: Envelope[], _now: Date, ttlSeconds: number): Promise<void> {
  await Promise.all(envelopes.map((e) => kv.put(dedupKeyOf(e), e.id, { expirationTtl: ttlSeconds }))).catch((error: unknown) => {
    log({ event: "mark_seen_failed", error: error instanceof Error ? error.message : "unknown" });
  });
}
