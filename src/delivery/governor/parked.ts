import type { ParkReason } from "./state";

/**
 * Messages parked in a route's governor (docs/delivery.md, "Parked messages"): one row each,
 * written once when the message is held and deleted once when it is let out, so a message that
 * waits ten minutes or ten days costs the same. The row keeps the queue message as it was
 * (an envelope over 96 KB is already a reference to KV), since the queue message itself is
 * acked when it is parked. Rows are taken oldest first (`seq`); only ordered rows are indexed,
 * by key and number, so an unordered row is one row written to park and one to let out.
 */
export interface ParkItem {
  why: ParkReason;
  envelopeId: string;
  sequence?: { key: string; n: number } | undefined;
  attempts: number;
  since: number;
  body: string;
}

export type ParkedRow = {
  seq: number;
  why: ParkReason;
  envelope: string;
  key: string | null;
  n: number | null;
  since: number;
  body: string;
};

export const PARKED_SCHEMA =
  "CREATE TABLE IF NOT EXISTS parked (seq INTEGER PRIMARY KEY, why TEXT NOT NULL, envelope TEXT NOT NULL, key TEXT, n INTEGER, attempts INTEGER NOT NULL, since INTEGER NOT NULL, body TEXT NOT NULL);" +
  "CREATE INDEX IF NOT EXISTS parked_by_key ON parked (key, n) WHERE key IS NOT NULL";

const COLUMNS = "seq, why, envelope, key, n, since, body";

export class ParkedRows {
  #count: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly written: (rows: number) => void,
  ) {
    this.#count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM parked").one().n;
  }

  get count(): number {
    return this.#count;
  }

  add(item: ParkItem): number {
    const cursor = this.sql.exec(
      "INSERT INTO parked (why, envelope, key, n, attempts, since, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
      item.why,
      item.envelopeId,
      item.sequence?.key ?? null,
      item.sequence?.n ?? null,
      item.attempts,
      item.since,
      item.body,
    );
    this.written(cursor.rowsWritten);
    this.#count += 1;
    return this.sql.exec<{ seq: number }>("SELECT last_insert_rowid() AS seq").one().seq;
  }

  /** Unordered rows oldest first, and the rows that are their key's head now (`done + 1`). */
  releasable(limit: number): ParkedRow[] {
    if (limit <= 0) return [];
    const unordered = this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked WHERE key IS NULL ORDER BY seq LIMIT ?`, limit).toArray();
    const heads = this.sql
      .exec<ParkedRow>(
        `SELECT p.seq, p.why, p.envelope, p.key, p.n, p.since, p.body FROM key_state k JOIN parked p ON p.key = k.key AND p.n = k.done + 1 ORDER BY p.seq LIMIT ?`,
        limit,
      )
      .toArray();
    return [...unordered, ...heads].sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  /** The row of one key's number, if it is parked. */
  head(key: string, n: number): ParkedRow | undefined {
    return this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked WHERE key = ? AND n = ? ORDER BY seq LIMIT 1`, key, n).toArray()[0];
  }

  /** The oldest row, or the given one when it is still parked. */
  oldest(seq?: number): ParkedRow | undefined {
    const chosen = seq === undefined ? undefined : this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked WHERE seq = ?`, seq).toArray()[0];
    return chosen ?? this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked ORDER BY seq LIMIT 1`).toArray()[0];
  }

  /** Rows parked before `before` (they are dead letters now), oldest first. */
  expired(before: number, limit: number): ParkedRow[] {
    return this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked WHERE since < ? ORDER BY seq LIMIT ?`, before, limit).toArray();
  }

  /** Where an envelope waits, for the event's timeline: a scan, for an operator's question only. */
  find(envelopeId: string): ParkedRow | undefined {
    return this.sql.exec<ParkedRow>(`SELECT ${COLUMNS} FROM parked WHERE envelope = ? LIMIT 1`, envelopeId).toArray()[0];
  }

  remove(rows: ParkedRow[]): void {
    for (const row of rows) this.written(this.sql.exec("DELETE FROM parked WHERE seq = ?", row.seq).rowsWritten);
    this.#count = Math.max(0, this.#count - rows.length);
  }
}
