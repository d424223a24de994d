/**
 * The default dedup: one DEDUP KV key per accepted envelope id, written only after the
 * enqueue succeeded and expiring with the source's window.
 *
 * The check is a KV read followed, later, by a KV write: two first deliveries of the same
 * notification that arrive together (a provider retrying after a slow answer) can both pass
 * it, and so can a retry that lands in another location before the write reached it (KV takes
 * up to a minute). KV has no compare-and-set, and refusing one of them would risk losing the
 * notification; so the envelope id is the idempotency key downstream, and targets must treat a
 * repeated id as already done. `"dedup": "strict"` (./strict.ts) closes both gaps.
 */

/** KV's bulk read takes up to 100 keys and counts as one operation. */
export const BULK_READ_KEYS = 100;

/** Which ids were marked; one bulk read per 100 ids. */
export async function seenIds(kv: KVNamespace, ids: string[]): Promise<boolean[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BULK_READ_KEYS) chunks.push(ids.slice(i, i + BULK_READ_KEYS));
  const found = await Promise.all(chunks.map((chunk) => readChunk(kv, chunk)));
  return found.flat();
}

async function readChunk(kv: KVNamespace, ids: string[]): Promise<boolean[]> {
  try {
    if (ids.length === 1) return [(await kv.get(ids[0]!)) !== null];
    const values = await kv.get(ids);
    return ids.map((id) => (values.get(id) ?? null) !== null);
  } catch {
    return ids.map(() => false); // at least once: an unreadable marker lets the notification through
  }
}

/** One put per id; throws when KV does. */
export async function markSeen(kv: KVNamespace, ids: string[], at: string, ttlSeconds: number): Promise<void> {
  await Promise.all(ids.map((id) => kv.put(id, at, { expirationTtl: ttlSeconds })));
}
