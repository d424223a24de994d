import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src";
import type { DeliveryMessage } from "../../src/delivery/message";
import { SHARD_BYTES_KEY, type ShardBytes } from "../../src/ledger/fill-report";
import type { Ledger } from "../../src/ledger/object";
import { shardStub } from "../../src/ledger/shard";
import { DayTables } from "../../src/ledger/tables";
import { resetOperationalWindow } from "../../src/observability/operational";
import { captureLogs } from "../delivery/helpers";
import { recordingQueue, uniqueId } from "../helpers";
import { ADMIN_TOKEN, bindings, eventConfig, notify, route } from "./helpers";

// Issue 30, finding 1: a full ledger shard silently turned dedup off. A shard is now measured
// hourly and exported; at 80 % of its limit it alerts and drops its oldest days beyond the
// dedup window (never a mark dedup needs); a shard that cannot write answers 503 for new keys
// and keeps the marks it could not write in memory, so no retry is delivered twice.

afterEach(() => {
  vi.useRealTimers();
  resetOperationalWindow();
});

const LIMIT = 3_000_000;
/** One shard, so every row lands in the shard the test measures; a small limit; operational events routed. */
function config() {
  return eventConfig([route("orders"), route("ops", ["hookgate.*"])], { ledger: { shards: 1, shardLimitBytes: LIMIT } });
}

async function hourly(bound: ReturnType<typeof bindings>, at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "17 * * * *" }), bound as never, ctx);
  await waitOnExecutionContext(ctx);
}

const tablesOf = () =>
  runInDurableObject(shardStub(env.LEDGER!, { shards: 1 }, 0), async (_: Ledger, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ev\\_%' ESCAPE '\\'")
      .toArray()
      .map((t) => t.name)
      .sort(),
  );

describe("a ledger shard near its limit (issue 30, finding 1)", () => {
  it("drops its oldest days beyond the dedup window, exports its size, raises the event, and still answers a retry inside its window as a duplicate", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const recorder = recordingQueue();
    const bound = bindings(config(), { DELIVERIES: recorder.queue });
    const padding = "p".repeat(40_000);
    const ids: Record<string, string[]> = {};
    for (const day of ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-28"]) {
      vi.setSystemTime(new Date(`${day}T10:00:00Z`));
      ids[day] = [];
      for (let i = 0; i < 20; i++) {
        const id = uniqueId("order");
        ids[day].push(id);
        expect((await notify({ id, type: "acme.paid", padding }, bound)).status).toBe(202);
      }
    }
    expect(await tablesOf()).toEqual(["ev_20261201", "ev_20261202", "ev_20261203", "ev_20261228"]);

    const now = Date.parse("2026-12-30T10:00:00Z");
    vi.setSystemTime(now);
    recorder.sent.splice(0);
    const logs = captureLogs();
    await hourly(bound, now);

    // The oldest days went, oldest first, until the shard was under 80 %; the days dedup needs stayed.
    const left = await tablesOf();
    expect(left).not.toContain("ev_20261201");
    expect(left).toContain("ev_20261228");
    expect(logs.lines().find((l) => l.event === "ledger_retention_shortened")).toMatchObject({ shard: 0, dropped: expect.arrayContaining(["ev_20261201"]) });

    // Its size is exported, and the operational event went to the route that wants it.
    const measured = await env.STATE.get<ShardBytes>(SHARD_BYTES_KEY, "json");
    expect(measured?.shards).toEqual([{ shard: 0, bytes: expect.any(Number) }]);
    expect(measured!.shards[0]!.bytes).toBeGreaterThan(0);
    const scrape = await worker.fetch(
      new Request("http://localhost/admin/metrics?format=prometheus", { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
      bound as never,
      createExecutionContext(),
    );
    expect(await scrape.text()).toContain(`hookgate_ledger_shard_bytes{shard="0"} ${measured!.shards[0]!.bytes}`);
    const events = (recorder.sent as DeliveryMessage[]).filter((m) => m.routeId === "ops").map((m) => m.envelope);
    expect(events).toEqual([expect.objectContaining({ type: "hookgate.ledger.filling", subject: "shard-0" })]);

    // A notification still inside its dedup window (two days old, the window is seven) is a duplicate.
    const retry = await notify({ id: ids["2026-12-28"]![3]!, type: "acme.paid", padding }, bound);
    expect(await retry.json()).toEqual({ status: "duplicate", ids: [`acme:${ids["2026-12-28"]![3]}`] });
  }, 60_000);

  it("leaves no duplicate behind when a confirm cannot write: the mark is kept in memory, new keys get 503, and it is written once the shard can", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const at = Date.parse("2026-12-10T10:00:00Z");
    vi.setSystemTime(at);
    const recorder = recordingQueue();
    const bound = bindings(config(), { DELIVERIES: recorder.queue });
    const stub = shardStub(env.LEDGER!, { shards: 1 }, 0);
    // SQLite refuses every insert into today's table, as it does when the database is full.
    await runInDurableObject(stub, async (_: Ledger, state) => {
      const table = new DayTables(state.storage.sql).table("ev", "20261210");
      state.storage.sql.exec(`CREATE TRIGGER full_disk BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    });
    const logs = captureLogs();
    const id = uniqueId("order");
    expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);
    expect(recorder.sent).toHaveLength(1);
    expect(logs.lines().find((l) => l.event === "ledger_confirm_failed")).toBeDefined();

    // A minute on (past any hold), the provider's retry is a duplicate: the mark is in the shard's memory.
    vi.setSystemTime(at + 61_000);
    expect(await (await notify({ id, type: "acme.paid" }, bound)).json()).toEqual({ status: "duplicate", ids: [`acme:${id}`] });
    // A new notification is refused before anything is queued: nothing is taken that could not be remembered.
    const other = await notify({ id: uniqueId("order"), type: "acme.paid" }, bound);
    expect(other.status).toBe(503);
    expect(recorder.sent).toHaveLength(1);

    // The shard can write again: the kept mark is written at the next call, and stays a duplicate.
    await runInDurableObject(stub, async (_: Ledger, state) => void state.storage.sql.exec("DROP TRIGGER full_disk"));
    vi.setSystemTime(at + 120_000);
    expect(await (await notify({ id, type: "acme.paid" }, bound)).json()).toEqual({ status: "duplicate", ids: [`acme:${id}`] });
    const [row] = await stub.find([`acme:${id}`], 1);
    expect(row).toMatchObject({ id: `acme:${id}`, state: "pending" });
    expect(recorder.sent).toHaveLength(1);
  }, 30_000);
});
