import { log } from "../log";
import { DeadLetter, DeadLetterSummary, summarize } from "./record";
import { tallyRemoved, tallyStored } from "./tally";

/**
 * Dead letters and quarantined requests in STATE KV under `dl:{id}`, with a summary as
 * metadata. KV lists keys in lexicographic order, so for a newest-first listing each record
 * also has an index key `dlt:{9999999999999 - createdAt in ms, 13 digits}:{id}`, empty, with
 * the same summary as metadata and the same expiry: listing reads the index alone, a page at a
 * time, with no read per record, and `dl:{id}` stays the one place a record is read by id.
 * Ids are derived, so a record can be written again with a later createdAt; the write finds
 * the earlier createdAt (a one-key list, which returns metadata without the value) and removes
 * the earlier index key. KV is eventually consistent: a record written in one location may
 * take up to a minute to list in another, and an index key may briefly outlive its record.
 */
const PREFIX = "dl:";
const INDEX_PREFIX = "dlt:";
const DAY = 86_400;
const LATEST = 9_999_999_999_999;

function indexKey(summary: Pick<DeadLetterSummary, "id" | "createdAt">): string {
  const ms = Date.parse(summary.createdAt);
  const inverted = LATEST - (Number.isFinite(ms) ? Math.min(Math.max(ms, 0), LATEST) : 0);
  return `${INDEX_PREFIX}${String(inverted).padStart(13, "0")}:${summary.id}`;
}

/** The summary kept with `dl:{id}`, read without its value; undefined when there is none. */
async function storedSummary(kv: KVNamespace, id: string): Promise<DeadLetterSummary | undefined> {
  const page = await kv.list<DeadLetterSummary>({ prefix: PREFIX + id, limit: 1 });
  const key = page.keys[0];
  if (key?.name !== PREFIX + id) return undefined;
  const parsed = DeadLetterSummary.safeParse(key.metadata);
  return parsed.success ? parsed.data : undefined;
}

export async function putDeadLetter(kv: KVNamespace, record: DeadLetter, ttlDays: number): Promise<void> {
  const summary = summarize(record);
  const previous = await storedSummary(kv, record.id);
  const options = { expirationTtl: ttlDays * DAY, metadata: summary };
  await Promise.all([kv.put(PREFIX + record.id, JSON.stringify(record), options), kv.put(indexKey(summary), "", options)]);
  tallyStored(summary, Date.now() + ttlDays * DAY * 1000);
  if (previous && indexKey(previous) !== indexKey(summary)) await kv.delete(indexKey(previous));
}

export async function getDeadLetter(kv: KVNamespace, id: string): Promise<DeadLetter | undefined> {
  const raw = await kv.get(PREFIX + id, "json");
  if (raw === null) return undefined;
  const parsed = DeadLetter.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Removes the index key first, then the record, so what is listed is there (KV consistency aside). */
export async function deleteDeadLetter(kv: KVNamespace, id: string): Promise<void> {
  const summary = await storedSummary(kv, id);
  if (summary) await kv.delete(indexKey(summary));
  await kv.delete(PREFIX + id);
  tallyRemoved(id);
}

export interface DeadLetterPage {
  deadLetters: DeadLetterSummary[];
  cursor?: string;
}

/** What dead letters can be found and replayed by; every field given must match. */
export interface DeadLetterFilter {
  source?: string;
  routeId?: string;
  kind?: DeadLetterSummary["kind"];
  reason?: string;
  /** createdAt bounds, ISO 8601. */
  since?: string;
  until?: string;
  /** An envelope id or a subject, exactly. */
  q?: string;
}

export function matchesFilter(s: DeadLetterSummary, f: DeadLetterFilter): boolean {
  const created = Date.parse(s.createdAt);
  return (
    (f.source === undefined || s.source === f.source) &&
    (f.routeId === undefined || s.routeId === f.routeId) &&
    (f.kind === undefined || s.kind === f.kind) &&
    (f.reason === undefined || s.reason === f.reason) &&
    (f.since === undefined || created >= Date.parse(f.since)) &&
    (f.until === undefined || created <= Date.parse(f.until)) &&
    (f.q === undefined || s.envelopeId === f.q || s.subject === f.q || s.id === f.q)
  );
}

/**
 * One page of summaries, newest first, that match the filter. Filtering happens after KV's
 * page is read, so a page can hold fewer than `limit` items while `cursor` says there is more.
 */
export async function listDeadLetters(kv: KVNamespace, filter: DeadLetterFilter & { cursor?: string; limit?: number }): Promise<DeadLetterPage> {
  const page = await kv.list<DeadLetterSummary>({
    prefix: INDEX_PREFIX,
    cursor: filter.cursor,
    limit: filter.limit ?? 100,
  });
  const deadLetters = page.keys
    .map((key) => DeadLetterSummary.safeParse(key.metadata))
    .filter((parsed) => parsed.success)
    .map((parsed) => parsed.data)
    .filter((s) => matchesFilter(s, filter));
  return page.list_complete ? { deadLetters } : { deadLetters, cursor: page.cursor };
}

/**
 * Writes a dead letter. When the message was a replay of the record with the same id, the
 * earlier attempts come first and the record is overwritten (back to "dead"); when it replayed
 * another record (an unrouted envelope, or one sent to a new route), that record is removed
 * once this one is written, since it now holds the envelope. Throws when KV does.
 */
export async function storeDeadLetter(kv: KVNamespace, record: DeadLetter, replayOf: string | undefined, ttlDays: number): Promise<void> {
  let merged = record;
  if (replayOf === record.id) {
    const earlier = await getDeadLetter(kv, replayOf);
    if (earlier) merged = { ...record, attempts: [...earlier.attempts, ...record.attempts] };
  }
  await putDeadLetter(kv, merged, ttlDays);
  if (replayOf !== undefined && replayOf !== record.id) await forgetReplayed(kv, replayOf);
}

/**
 * After a replay was delivered, its dead letter goes. A failure here is logged, not retried:
 * the delivery happened, and retrying the message would deliver it again.
 */
export async function forgetReplayed(kv: KVNamespace, replayOf: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deleteDeadLetter(kv, replayOf);
      return;
    } catch (error) {
      // KV's one write a second per key (429): once more after it, then it is left, stale in STALE_REPLAY_MS.
      if (attempt < DELETE_ATTEMPTS) {
        await scheduler.wait(KV_SAME_KEY_INTERVAL_MS);
        continue;
      }
      log({ event: "dead_letter_delete_failed", deadLetterId: replayOf, attempts: attempt, error: String(error).slice(0, 200) });
      return;
    }
  }
}

const DELETE_ATTEMPTS = 3;
const KV_SAME_KEY_INTERVAL_MS = 1100;
