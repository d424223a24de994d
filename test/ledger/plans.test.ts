import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findRows, listRows, type ShardQuery } from "../../src/ledger/scan";
import { DayTables, dayOf } from "../../src/ledger/tables";

/**
 * Every statement a query runs in a shard, planned by SQLite: each must be a SEARCH on the
 * rowid or on the key index, never a SCAN of a table; and a filter no index serves reads at
 * most its budget of rows, however large the table.
 */
const ROWS = 20_000;

async function inScratchShard<T>(name: string, work: (tables: DayTables, sql: SqlStorage) => T): Promise<T> {
  const stub = env.LEDGER!.get(env.LEDGER!.idFromName(name));
  return runInDurableObject(stub, async (_: unknown, state) => {
    const tables = new DayTables(state.storage.sql);
    const now = Date.now();
    const table = tables.table("ev", dayOf(now));
    state.storage.sql.exec(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO ${table} (key, id, source, type, subject, time, received_at, state, envelope, requests, deliveries)
       SELECT 'acme:' || i, 'acme:' || i, 'acme', 'acme.paid', 'S-' || i, '2026-12-02T00:00:00Z', ? + i, 'delivered', '{}', '[]', '{"ledger":{"state":"delivered","attempts":[]}}' FROM n`,
      ROWS,
      now - ROWS - 10_000,
    );
    return work(tables, state.storage.sql);
  });
}

/** Runs `read` with every statement recorded, then plans each. */
function plansOf(tables: DayTables, sql: SqlStorage, read: () => unknown): string[][] {
  const statements: [string, unknown[]][] = [];
  const run = tables.run.bind(tables);
  tables.run = ((query: string, ...params: unknown[]) => {
    statements.push([query, params]);
    return run(query, ...params);
  }) as typeof tables.run;
  read();
  tables.run = run;
  return statements.map(([query, params]) =>
    sql
      .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...params)
      .toArray()
      .map((r) => r.detail),
  );
}

const query = (more: Partial<ShardQuery>): ShardQuery => ({ limit: 50, budget: 5_000, ...more });

describe("the shard's query plans", () => {
  it("serves newest first, since/until and every filter by a rowid range, never a table scan", async () => {
    const plans = await inScratchShard("plans-list", (tables, sql) => {
      const now = Date.now();
      return [
        query({}),
        query({ source: "acme" }),
        query({ type: "nothing.matches" }),
        query({ state: "dead" }),
        query({ route: "erp" }),
        query({ subject: "S-17" }),
        query({ since: now - 15_000, until: now - 12_000 }),
      ].flatMap((q) => plansOf(tables, sql, () => listRows(tables, q)));
    });
    const lines = plans.flat();
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line).not.toMatch(/^SCAN ev_/);
    expect(lines.some((l) => /SEARCH ev_\d+ USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/.test(l))).toBe(true);
  });

  it("finds an id, or a recurring id without its @window suffix, by the key index", async () => {
    const plans = await inScratchShard("plans-find", (tables, sql) =>
      plansOf(tables, sql, () => findRows(tables, ["acme:77"], { limit: 10, withDetail: true })),
    );
    const lines = plans.flat();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      if (line.startsWith("COMPOUND") || line.startsWith("LEFT-MOST") || line.startsWith("UNION")) continue;
      expect(line).toMatch(/SEARCH ev_\d+ USING (COVERING )?INDEX sqlite_autoindex_ev_\d+_1 \(key/);
    }
  });

  it("reads at most its budget of rows for a filter that matches nothing, and says where to go on", async () => {
    const { page, read } = await inScratchShard("plans-budget", (tables) => {
      const before = tables.meter.rowsRead;
      const page = listRows(tables, query({ type: "nothing.matches", budget: 2_000 }));
      return { page, read: tables.meter.rowsRead - before };
    });
    expect(page.rows).toEqual([]);
    expect(page.next).toBeDefined();
    expect(page.floor).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(2_000 + 100);
  });

  it("finds the newest rows at the cost of the page, whatever the table holds", async () => {
    const { page, read } = await inScratchShard("plans-newest", (tables) => {
      const before = tables.meter.rowsRead;
      const page = listRows(tables, query({ limit: 50 }));
      return { page, read: tables.meter.rowsRead - before };
    });
    expect(page.rows).toHaveLength(50);
    expect(page.rows[0]!.id).toBe(`acme:${ROWS}`);
    expect(read).toBeLessThanOrEqual(50 + 10);
  });
});
