import { type DayTables, dayOf } from "./tables";

/**
 * Reading a shard without scanning it. Every read is one of two plans, and a test checks both
 * with EXPLAIN QUERY PLAN:
 * - by key: the unique index on `key` (an id, or a recurring id without its @window suffix: a
 *   range on the same index);
 * - a rowid range, newest first: since/until pick the day tables and, by binary search over
 *   the rowid, the range inside them; every other filter (source, type, state, route, subject)
 *   is checked on the rows of that range, and a call examines at most `budget` rows before it
 *   answers with what matched and where to go on. No query's cost grows with the table.
 */
export interface ShardQuery {
  source?: string;
  type?: string;
  state?: string;
  subject?: string;
  route?: string;
  since?: number;
  until?: number;
  /** Go on strictly below this row (from an earlier page); from the newest row when absent. */
  position?: Position;
  limit: number;
  /** Rows examined at most in this call. */
  budget: number;
}

export interface Position {
  day: string;
  seq: number;
}

export interface SummaryRow {
  day: string;
  seq: number;
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  received_at: number;
  state: string;
  deliveries: string;
}

export interface FoundRow extends SummaryRow {
  table: string;
  key: string;
  envelope: string | null;
  requests: string;
}

export interface ShardPage {
  rows: SummaryRow[];
  /** Where to go on; absent when the shard has nothing older that could match. */
  next?: Position;
  /** Set when the budget ran out: the receipt time of the oldest row examined (the merge must not pass it). */
  floor?: number;
}

const SUMMARY = "seq, id, source, type, subject, time, received_at, state, deliveries";
const DETAIL = `${SUMMARY}, key, envelope, requests`;
/** The same shape without the envelope and the timeline (a report needs neither, and an envelope can be 96 KB). */
const BRIEF = `${SUMMARY}, key, NULL AS envelope, '[]' AS requests`;
/** `@` and a window's start, `20261201T100000Z` (src/envelope.ts). */
const WINDOW_SUFFIX_LENGTH = 17;
/** Rows read per statement of a scan. */
const CHUNK = 500;

export function findRows(
  tables: DayTables,
  candidates: string[],
  options: { exactId?: string; dayHint?: number; limit: number; withDetail: boolean },
): FoundRow[] {
  const hinted = options.dayHint === undefined ? undefined : dayOf(options.dayHint);
  const days = tables.days("ev");
  const ordered = hinted !== undefined && days.includes(hinted) ? [hinted, ...days.filter((d) => d !== hinted)] : days;
  const found: FoundRow[] = [];
  const seen = new Set<string>();
  for (const day of ordered) {
    for (const candidate of new Set(candidates)) {
      // `key = c`, or a key that is c plus an @window suffix ('@' < 'A'; `@20261201T100000Z`, 17
      // characters): both on the key index. Only keys of exactly that shape, newest window first,
      // at most `limit`: ids a sender chose as `c@anything` are never read for `c`.
      const columns = options.withDetail ? DETAIL : BRIEF;
      const rows = [
        ...tables.run<Omit<FoundRow, "table" | "day">>(`SELECT ${columns} FROM ev_${day} WHERE key = ?1`, candidate),
        ...tables.run<Omit<FoundRow, "table" | "day">>(
          `SELECT ${columns} FROM ev_${day} WHERE key > ?1 || '@' AND key < ?1 || 'A' AND length(key) = length(?1) + ${WINDOW_SUFFIX_LENGTH} ORDER BY key DESC LIMIT ?2`,
          candidate,
          options.limit,
        ),
      ];
      for (const row of rows) {
        if (options.exactId !== undefined && row.id !== options.exactId) continue;
        if (seen.has(`${day}/${row.seq}`)) continue;
        seen.add(`${day}/${row.seq}`);
        found.push({ ...row, day, table: `ev_${day}` });
      }
    }
    if (found.length >= options.limit) break;
  }
  return found.sort((a, b) => b.received_at - a.received_at).slice(0, options.limit);
}

export function listRows(tables: DayTables, query: ShardQuery): ShardPage {
  const { where, params } = predicates(query);
  const rows: SummaryRow[] = [];
  let examined = 0;
  const days = tables.days("ev", dayOf(query.since ?? 0), query.until === undefined ? undefined : dayOf(query.until));
  for (const day of days) {
    if (query.position && day > query.position.day) continue;
    const table = `ev_${day}`;
    const bounds = seqBounds(tables, table);
    if (!bounds) continue;
    let hi = query.position?.day === day ? query.position.seq : bounds.hi + 1;
    let lo = bounds.lo;
    if (query.until !== undefined) hi = Math.min(hi, firstSeqFrom(tables, table, query.until + 1, bounds.lo, bounds.hi + 1));
    if (query.since !== undefined) lo = Math.max(lo, firstSeqFrom(tables, table, query.since, bounds.lo, bounds.hi + 1));
    while (hi > lo) {
      if (examined >= query.budget) return { rows, next: { day, seq: hi }, floor: receivedAtOf(tables, table, hi) };
      const from = Math.max(lo, hi - Math.min(CHUNK, query.budget - examined));
      const batch = tables.run<Omit<SummaryRow, "day">>(
        `SELECT ${SUMMARY} FROM ${table} WHERE seq >= ? AND seq < ?${where} ORDER BY seq DESC LIMIT ?`,
        from,
        hi,
        ...params,
        query.limit - rows.length,
      );
      examined += hi - from;
      rows.push(...batch.map((row) => ({ ...row, day })));
      if (rows.length >= query.limit) return { rows, next: { day, seq: rows.at(-1)!.seq } };
      hi = from;
    }
  }
  return { rows };
}

function predicates(query: ShardQuery): { where: string; params: unknown[] } {
  let where = "";
  const params: unknown[] = [];
  for (const column of ["source", "type", "state", "subject"] as const) {
    const value = query[column];
    if (value === undefined) continue;
    where += ` AND ${column} = ?`;
    params.push(value);
  }
  if (query.route !== undefined) {
    where += " AND json_type(deliveries, ?) IS NOT NULL";
    params.push(`$.${JSON.stringify(query.route)}`);
  }
  return { where, params };
}

/** The smallest seq in [lo, end) whose receipt is at or after `at` (end when none): a binary search over the rowid. */
function firstSeqFrom(tables: DayTables, table: string, at: number, lo: number, end: number): number {
  let low = lo;
  let high = end;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const row = tables.run<{ seq: number; received_at: number }>(`SELECT seq, received_at FROM ${table} WHERE seq >= ? ORDER BY seq LIMIT 1`, mid)[0];
    if (!row || row.received_at >= at) high = mid;
    else low = row.seq + 1;
  }
  return low;
}

/** The first and last seq, each by the rowid's own min/max shortcut (together in one statement SQLite would scan). */
function seqBounds(tables: DayTables, table: string): { lo: number; hi: number } | undefined {
  const hi = tables.run<{ hi: number | null }>(`SELECT max(seq) AS hi FROM ${table}`)[0]?.hi ?? null;
  const lo = tables.run<{ lo: number | null }>(`SELECT min(seq) AS lo FROM ${table}`)[0]?.lo ?? null;
  return hi === null || lo === null ? undefined : { lo, hi };
}

function receivedAtOf(tables: DayTables, table: string, seq: number): number | undefined {
  return tables.run<{ received_at: number }>(`SELECT received_at FROM ${table} WHERE seq >= ? ORDER BY seq LIMIT 1`, seq)[0]?.received_at;
}

/**
 * Rows found by a search term (a subject, a provider's id, a business key), newest first: per
 * day table, newest day first, the `(term, seq)` primary key of `sk_` gives the seqs and the
 * rowid gives each row. At most `limit` rows read, whatever the table's size.
 */
export function searchRows(tables: DayTables, term: string, limit: number): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const day of tables.days("sk")) {
    if (!tables.days("ev").includes(day)) continue;
    const seqs = tables.run<{ seq: number }>(`SELECT seq FROM sk_${day} WHERE term = ? ORDER BY seq DESC LIMIT ?`, term, limit - rows.length);
    for (const { seq } of seqs) {
      const row = tables.run<Omit<SummaryRow, "day">>(`SELECT ${SUMMARY} FROM ev_${day} WHERE seq = ?`, seq)[0];
      if (row) rows.push({ ...row, day });
    }
    if (rows.length >= limit) break;
  }
  return rows;
}
