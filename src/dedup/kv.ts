import type { Envelope } from "../envelope";
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
export async function seenIds(kv: KVNamespace, ids: string[]): Promise<boolean[]> {
  return Promise.all(ids.map((id) => wasSeen(kv, id)));
}

async function wasSeen(kv: KVNamespace, id: string): Promise<boolean> {
  try {
    return (await kv.get(id)) !== null;
  } catch {
    return false; // at least once: an unreadable marker lets the notification through
  }
}

export async function markSeen(kv: KVNamespace, envelopes: Envelope[], now: Date, ttlSeconds: number): Promise<void> {
  await Promise.all(envelopes.map((e) => kv.put(e.id, now.toISOString(), { expirationTtl: ttlSeconds }))).catch((error: unknown) => {
    log({ event: "mark_seen_failed", error: error instanceof Error ? error.message : "unknown" });
  });
}
