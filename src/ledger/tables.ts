/**
 * A shard's tables, one per UTC day of receipt, dropped whole when they age out: no row is
 * ever deleted one by one, so retention writes nothing billable.
 *
 * - `ev_YYYYMMDD` (event log on): `seq INTEGER PRIMARY KEY` in receipt order (newest first and
 *   since/until are rowid ranges), and the dedup key with its one unique index. Inserting a row
 *   writes 2 rows (the row and its index entry); a route's update 1.
 * - `mk_YYYYMMDD` (event log off): the dedup key alone, `WITHOUT ROWID`: 1 row per insert.
 * - `sk_YYYYMMDD` (event log on): the search index, one `(term, seq)` per distinct subject or
 *   search key of a row of that day's `ev` table, `WITHOUT ROWID`: 1 row written per term.
 *
 * Every SQL call goes through `run`, which meters what SQLite reports (`rowsRead`,
 * `rowsWritten`): the cost test reads the meter instead of guessing.
 */
export type TableKind = "ev" | "mk" | "sk";

const DAY_MS = 86_400_000;

export interface Meter {
  rowsRead: number;
  /** Rows written by the data (inserts, updates): what each notification costs. */
  rowsWritten: number;
  /** Rows written making day tables: about 3 per shard per day, whatever the volume. */
  tableRowsWritten: number;
}

/** `20261202` for any time that day (UTC). */
export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "");
}

export function dayStart(day: string): number {
  return Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
}

const DDL: Record<TableKind, (name: string) => string> = {
  ev: (name) =>
    `CREATE TABLE IF NOT EXISTS ${name} (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL, source TEXT NOT NULL,
      type TEXT NOT NULL, subject TEXT, time TEXT NOT NULL, received_at INTEGER NOT NULL, state TEXT NOT NULL,
      envelope TEXT, requests TEXT NOT NULL, deliveries TEXT NOT NULL)`,
  mk: (name) => `CREATE TABLE IF NOT EXISTS ${name} (key TEXT PRIMARY KEY, id TEXT NOT NULL, received_at INTEGER NOT NULL) WITHOUT ROWID`,
  sk: (name) => `CREATE TABLE IF NOT EXISTS ${name} (term TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (term, seq)) WITHOUT ROWID`,
};

const TABLE_NAME = /^(ev|mk|sk)_(\d{8})$/;

export class DayTables {
  readonly #sql: SqlStorage;
  readonly meter: Meter = { rowsRead: 0, rowsWritten: 0, tableRowsWritten: 0 };
  /** Days that have a table, per kind, newest first. */
  readonly #days: Record<TableKind, string[]> = { ev: [], mk: [], sk: [] };

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    for (const { name } of this.run<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      const match = TABLE_NAME.exec(name);
      if (match) this.#days[match[1] as TableKind].push(match[2]!);
    }
    for (const kind of ["ev", "mk", "sk"] as const) this.#days[kind].sort().reverse();
  }

  run<T extends Record<string, SqlStorageValue>>(query: string, ...params: unknown[]): T[] {
    const cursor = this.#sql.exec<T>(query, ...params);
    const rows = cursor.toArray();
    this.meter.rowsRead += cursor.rowsRead;
    this.meter.rowsWritten += cursor.rowsWritten;
    return rows;
  }

  /** Days with a table of this kind, newest first, from `fromDay` on (inclusive) when given. */
  days(kind: TableKind, fromDay = "00000000", toDay = "99999999"): string[] {
    return this.#days[kind].filter((day) => day >= fromDay && day <= toDay);
  }

  /** The table for this day, made when first needed. */
  table(kind: TableKind, day: string): string {
    const name = `${kind}_${day}`;
    if (!this.#days[kind].includes(day)) {
      const before = this.meter.rowsWritten;
      this.run(DDL[kind](name));
      this.meter.tableRowsWritten += this.meter.rowsWritten - before;
      this.meter.rowsWritten = before;
      this.#days[kind].push(day);
      this.#days[kind].sort().reverse();
    }
    return name;
  }

  /** Drops every table older than `keepFromDay`; returns the names dropped. */
  dropBefore(keepFromDay: string): string[] {
    const dropped: string[] = [];
    for (const kind of ["ev", "mk", "sk"] as const) {
      for (const day of this.#days[kind].filter((d) => d < keepFromDay)) {
        this.run(`DROP TABLE IF EXISTS ${kind}_${day}`);
        dropped.push(`${kind}_${day}`);
      }
      this.#days[kind] = this.#days[kind].filter((d) => d >= keepFromDay);
    }
    return dropped;
  }
}

export function dayMs(): number {
  return DAY_MS;
}
