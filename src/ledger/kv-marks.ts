/**
 * The marks the gateway wrote before the ledger (read during an upgrade, see
 * `ledger.kvMarksUntil`, and written by mark messages still queued from before it).
 *
 * Before the ledger, the default dedup: one DEDUP KV key per accepted notification, written only after the
 * enqueue succeeded and expiring with the source's window. The key is `dedupKeyOf` the envelope
 * (its id, or for a recurring id the id all its occurrences share) and the value the envelope id
 * it was accepted under, so a retry is answered with the id it repeats (docs/ids.md).
 *
 * The check is a KV read followed, later, by a KV write: two first deliveries of the same
 * notification that arrive together (a provider retrying after a slow answer) can both pass
 * it, and so can a retry that lands in another location before the write reached it (KV takes
 * up to a minute). KV has no compare-and-set, and refusing one of them would risk losing the
 * notification; so the envelope id is the idempotency key downstream, and targets must treat a
 * repeated id as already done. `"dedup": "strict"` (./strict.ts) closes both gaps.
 */

/** A marker: the dedup key, and the envelope id it was accepted under. */
export interface Mark {
  key: string;
  id: string;
}

/** KV's bulk read takes up to 100 keys and counts as one operation. */
export const BULK_READ_KEYS = 100;

/** For each mark, the id its key was accepted under, or undefined; one bulk read per 100 keys. */
export async function seenIds(kv: KVNamespace, marks: Mark[]): Promise<(string | undefined)[]> {
  const chunks: Mark[][] = [];
  for (let i = 0; i < marks.length; i += BULK_READ_KEYS) chunks.push(marks.slice(i, i + BULK_READ_KEYS));
  const found = await Promise.all(chunks.map((chunk) => readChunk(kv, chunk)));
  return found.flat();
}

async function readChunk(kv: KVNamespace, marks: Mark[]): Promise<(string | undefined)[]> {
  let values: (string | null)[];
  try {
    if (marks.length === 1) values = [await kv.get(marks[0]!.key)];
    else {
      const read = await kv.get(marks.map((m) => m.key));
      values = marks.map((m) => read.get(m.key) ?? null);
    }
  } catch {
    return marks.map(() => undefined); // at least once: an unreadable marker lets the notification through
  }
  return values.map((value, i) => acceptedAs(marks[i]!, value));
}

/** Markers written before they held the id held the receipt time: then the envelope's own id. */
function acceptedAs(mark: Mark, value: string | null): string | undefined {
  if (value === null) return undefined;
  const source = mark.key.slice(0, mark.key.indexOf(":") + 1);
  return source !== "" && value.startsWith(source) ? value : mark.id;
}

/** One put per mark; throws when KV does. */
export async function markSeen(kv: KVNamespace, marks: Mark[], ttlSeconds: number): Promise<void> {
  await Promise.all(marks.map((m) => kv.put(m.key, m.id, { expirationTtl: ttlSeconds })));
}
