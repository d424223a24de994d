import { freshKey, type KeyState } from "./state";

const DAY_MS = 86_400_000;
/** A key not numbered for this many days is forgotten with its day: its numbers then start again at 1. */
export const KEY_DAYS_KEPT = 30;
/** Before day tables, every key was one row of this table; read while it has rows, never written to anew. */
const LEGACY = "keys";
const DAY_TABLE = /^keys_(\d+)$/;

/**
 * An ordered route's keys, partitioned by day (#30.4, docs/delivery.md "Ordered delivery"): a
 * key's row lives in the table of the day it was last numbered (`keys_<days since 1970>`);
 * numbering it on a later day moves it (two rows written, once a day and key). Reads go through
 * the view `key_state`, every table at once. Expiry drops each day table older than 30 days
 * whole (a DROP TABLE, whatever its rows), never a DELETE over millions of rows: whatever was
 * numbered then is finished by now, since a message waits 14 days at most.
 */
export class KeyDays {
  #tables: string[];
  /** The table each key read lives in. */
  readonly #partOf = new Map<string, string>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly written: (rows: number) => void,
  ) {
    this.#tables = this.#listTables();
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'key_state'").toArray().length === 0) this.#rebuildView();
  }

  /** The keys among `names` that are known (and, when `now` is given, a fresh one for each unknown). */
  load(names: string[], now?: number): Map<string, KeyState> {
    const keys = new Map<string, KeyState>();
    for (const name of names) {
      const row = this.sql
        .exec<{ last: number; done: number; head_due: number; part: string }>(
          "SELECT last, done, head_due, part FROM key_state WHERE key = ? ORDER BY part DESC LIMIT 1",
          name,
        )
        .toArray()[0];
      if (row) {
        keys.set(name, { key: name, last: row.last, done: row.done, headDue: row.head_due });
        this.#partOf.set(name, row.part);
      } else if (now !== undefined) keys.set(name, freshKey(name, now));
    }
    return keys;
  }

  /** Writes keys where they live; `numbered` keys (assign) move to `now`'s day table. */
  store(keys: Iterable<KeyState>, now: number, numbered = false): void {
    for (const k of keys) {
      const part = this.#partOf.get(k.key);
      const target = numbered || part === undefined ? this.#dayTable(now) : part;
      if (part !== undefined && part !== target) this.#exec(`DELETE FROM ${part} WHERE key = ?`, k.key);
      this.#exec(
        `INSERT INTO ${target} (key, last, done, head_due) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET last = excluded.last, done = excluded.done, head_due = excluded.head_due`,
        k.key,
        k.last,
        k.done,
        k.headDue,
      );
      this.#partOf.set(k.key, target);
    }
  }

  /** Sets a key's progress in place (the release's gap rule). */
  advance(key: string, part: string, done: number, headDue: number): void {
    this.#exec(`UPDATE ${part} SET done = ?, head_due = ? WHERE key = ?`, done, headDue, key);
  }

  /** Drops every day table older than KEY_DAYS_KEPT days; the old single table loses its idle keys as before. Returns the tables dropped. */
  expire(now: number): string[] {
    const oldest = Math.floor(now / DAY_MS) - KEY_DAYS_KEPT;
    const dropped = this.#tables.filter((t) => Number(DAY_TABLE.exec(t)?.[1] ?? oldest) < oldest);
    for (const table of dropped) this.sql.exec(`DROP TABLE ${table}`);
    if (this.#tables.includes(LEGACY)) this.sql.exec(`DELETE FROM ${LEGACY} WHERE done = last AND head_due < ?`, now - KEY_DAYS_KEPT * DAY_MS);
    if (dropped.length > 0) {
      this.#tables = this.#tables.filter((t) => !dropped.includes(t));
      this.#partOf.clear();
      this.#rebuildView();
    }
    return dropped;
  }

  get any(): boolean {
    return this.sql.exec("SELECT 1 FROM key_state LIMIT 1").toArray().length > 0;
  }

  #dayTable(now: number): string {
    const table = `keys_${Math.floor(now / DAY_MS)}`;
    if (!this.#tables.includes(table)) {
      // WITHOUT ROWID: a row written is one row billed, not a row and its primary key's index entry.
      this.sql.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, last INTEGER NOT NULL, done INTEGER NOT NULL, head_due INTEGER NOT NULL) WITHOUT ROWID`,
      );
      this.#tables.push(table);
      this.#rebuildView();
    }
    return table;
  }

  #listTables(): string[] {
    return this.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND (name = ? OR name GLOB 'keys_[0-9]*')", LEGACY)
      .toArray()
      .map((r) => r.name);
  }

  /** `key_state`: every table's rows with the table's name (`part`); an empty view when there is none. */
  #rebuildView(): void {
    const parts = this.#tables.map((t) => `SELECT key, last, done, head_due, '${t}' AS part FROM ${t}`);
    const body = parts.length > 0 ? parts.join(" UNION ALL ") : "SELECT '' AS key, 0 AS last, 0 AS done, 0 AS head_due, '' AS part WHERE 0";
    this.sql.exec(`DROP VIEW IF EXISTS key_state; CREATE VIEW key_state AS ${body}`);
  }

  #exec(query: string, ...bindings: unknown[]): void {
    this.written(this.sql.exec(query, ...bindings).rowsWritten);
  }
}
