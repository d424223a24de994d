import { log } from "../log";
import { type Deliveries, type EventRow, eventState, type MarkRow, mergeAccepted, parseJson } from "./rows";
import type { EventRequest } from "./schema";
import { type DayTables, dayOf } from "./tables";

/**
 * Writing a shard's rows, one at a time: what confirm does with each accepted envelope.
 *
 * Every text a sender shapes is bounded before it reaches a row (SQLite in a Durable Object
 * refuses a value over 2 MB, and a shard is 10 GB): a subject, type or time longer than
 * MAX_ROW_TEXT characters is cut and ends in "…". Ids and dedup keys are bounded where they are
 * made (an adapter hashes an id over 200 bytes, src/adapters/read.ts `safeId`); the envelope
 * column holds at most 96 KB (larger ones live in STATE KV); the timeline at most
 * MAX_TIMELINE_REQUESTS lines.
 */
export const MAX_ROW_TEXT = 256;
/** Requests a row's timeline keeps: the first and its providers' retries, bounded against a replayed request. */
export const MAX_TIMELINE_REQUESTS = 100;

/** `text`, or its first MAX_ROW_TEXT - 1 characters and "…" (never half a surrogate pair). */
export function boundedText(text: string): string {
  if (text.length <= MAX_ROW_TEXT) return text;
  let cut = text.slice(0, MAX_ROW_TEXT - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export function boundedRow(row: EventRow): EventRow {
  return { ...row, type: boundedText(row.type), subject: row.subject === null ? null : boundedText(row.subject), time: boundedText(row.time) };
}

/**
 * The row that keeps an envelope's dedup mark when its full row could not be written: no
 * envelope, no subject, no timeline. What dedup needs (key, id, receipt) and the routes.
 */
export function markOnlyRow(row: EventRow): EventRow {
  return { ...row, subject: null, envelope: null, requests: [], type: boundedText(row.type).slice(0, 64), time: "", terms: [] };
}

type Held = {
  seq: number;
  id: string;
  received_at: number;
  requests: string;
  deliveries: string;
};

/**
 * Writes an accepted envelope's row, or merges it into the row its id already has.
 *
 * A recurring notification's occurrences share a key, and the key points at the newest one: a
 * newer occurrence takes the key (the one before keeps its own id as its key); an older one
 * accepted again (a redeliver, a replay) joins its own row, or gets one under its own id, and
 * never takes the key from the newer: dedup goes on answering for the newer (docs/ids.md).
 */
export function insertEvent(tables: DayTables, input: EventRow, deliveries: Deliveries): void {
  const row = boundedRow(input);
  const table = tables.table("ev", dayOf(row.receivedAt));
  const byKey = (key: string) => tables.run<Held>(`SELECT seq, id, received_at, requests, deliveries FROM ${table} WHERE key = ?`, key)[0];
  const holder = byKey(row.key);
  if (holder && holder.id === row.id) {
    merge(tables, table, holder, row, deliveries);
    return;
  }
  let key = row.key;
  if (holder) {
    const own = row.id === row.key ? undefined : byKey(row.id);
    if (own && own.id === row.id) {
      merge(tables, table, own, row, deliveries);
      return;
    }
    if (holder.received_at > row.receivedAt) key = row.id;
    else tables.run(`UPDATE ${table} SET key = id WHERE seq = ?`, holder.seq);
  }
  const [inserted] = tables.run<{ seq: number }>(
    `INSERT INTO ${table} (key, id, source, type, subject, time, received_at, state, envelope, requests, deliveries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
    key,
    row.id,
    row.source,
    row.type,
    row.subject,
    row.time,
    row.receivedAt,
    eventState(deliveries),
    row.envelope,
    JSON.stringify(row.requests),
    JSON.stringify(deliveries),
  );
  if (inserted && row.terms && row.terms.length > 0) {
    const index = tables.table("sk", dayOf(row.receivedAt));
    for (const term of row.terms) tables.run(`INSERT OR IGNORE INTO ${index} (term, seq) VALUES (?, ?)`, boundedText(term), inserted.seq);
  }
}

function merge(tables: DayTables, table: string, existing: Held, row: EventRow, deliveries: Deliveries): void {
  const merged = mergeAccepted(
    { requests: parseJson(existing.requests, []), deliveries: parseJson(existing.deliveries, {}) },
    { requests: row.requests, deliveries },
  );
  tables.run(
    `UPDATE ${table} SET requests = ?, deliveries = ?, state = ? WHERE seq = ?`,
    JSON.stringify(merged.requests),
    JSON.stringify(merged.deliveries),
    eventState(merged.deliveries),
    existing.seq,
  );
}

/** With the event log off: the mark alone. */
export function insertMark(tables: DayTables, mark: MarkRow): void {
  const table = tables.table("mk", dayOf(mark.receivedAt));
  tables.run(
    `INSERT INTO ${table} (key, id, received_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET id = excluded.id, received_at = excluded.received_at
     WHERE excluded.received_at >= ${table}.received_at`,
    mark.key,
    mark.id,
    mark.receivedAt,
  );
}

/**
 * A duplicate's line in the first request's timeline, up to MAX_TIMELINE_REQUESTS lines (a
 * replayed request cannot grow a row without bound); past that the duplicate is answered, not
 * recorded. Never fails the reserve it is part of.
 */
export function appendLine(tables: DayTables, key: string, sinceMs: number, line: EventRequest): void {
  try {
    for (const day of tables.days("ev", dayOf(sinceMs))) {
      const found = tables.run<{ seq: number; lines: number }>(`SELECT seq, json_array_length(requests) AS lines FROM ev_${day} WHERE key = ?`, key)[0];
      if (!found) continue;
      if (found.lines < MAX_TIMELINE_REQUESTS) {
        tables.run(`UPDATE ev_${day} SET requests = json_insert(requests, '$[#]', json(?)) WHERE seq = ?`, JSON.stringify(line), found.seq);
      }
      return;
    }
  } catch (error) {
    log({ event: "ledger_line_not_recorded", error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
}
