import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { costPerMillion, DESIGNED, type Operations } from "../../bench/lib/cost";
import { flushMetrics } from "../../src/observability/metrics";
import { uniqueId } from "../helpers";
import { countedNamespace } from "../ingest/operations";
import { bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";
import { metered } from "./shards";

/**
 * What a notification costs, metered on the real local bindings: Durable Object calls, the rows
 * SQLite reports written in the shards, queue messages (3 operations each), KV calls and D1 rows;
 * and the calls to each route's governor, which are per consumer batch (checked as calls per batch).
 * Each figure must stay within the table in bench/lib/cost.ts, which docs/deploy.md prints.
 */
function meteredBindings(config: unknown) {
  const calls: string[] = [];
  const d1Rows: number[] = [];
  const { queue, take } = capturingQueue();
  const sent: unknown[] = [];
  const countedQueue = {
    send: async (body: never, options?: QueueSendOptions) => {
      sent.push(body);
      await queue.send(body, options);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<never>>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      sent.push(...list);
      await queue.sendBatch(list, options);
    },
  };
  /** `target` with every method call counted as `NAME.method`: KV namespaces and Durable Object stubs alike. */
  const countCalls = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(property)}`);
          return Reflect.apply(value, object, args);
        };
      },
    });
  const db = new Proxy(env.EVENTS!, {
    get(target, name) {
      if (name === "batch")
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          d1Rows.push(...results.map((r) => r.meta.rows_written ?? 0));
          return results;
        };
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const counted = (name: string, namespace: DurableObjectNamespace) => countedNamespace(namespace, (stub) => countCalls(name, stub));
  const ledger = counted("LEDGER", env.LEDGER!);
  const governor = counted("GOVERNOR", env.ROUTE_GOVERNOR!);
  const bound = bindings(config, {
    DELIVERIES: countedQueue,
    EVENTS: db,
    LEDGER: ledger,
    ROUTE_GOVERNOR: governor,
    STATE: countCalls("STATE", env.STATE),
    DEDUP: countCalls("DEDUP", env.DEDUP),
  });
  /** Runs `work` and answers the operations it made. */
  const measure = async (work: () => Promise<void>): Promise<Operations & { requests: number; governorCalls: string[] }> => {
    await flushMetrics(env.EVENTS!, new Date());
    const [rowsBefore, callsBefore, sentBefore, d1Before] = [(await metered()).rowsWritten, calls.length, sent.length, d1Rows.length];
    await work();
    const made = calls.slice(callsBefore);
    return {
      requests: 0,
      workerRequests: 0,
      queueOperations: (sent.length - sentBefore) * 3,
      doRequests: made.filter((c) => c.startsWith("LEDGER.") && c !== "LEDGER.meter").length,
      governorCalls: made.filter((c) => c.startsWith("GOVERNOR.")),
      doRowsWritten: (await metered()).rowsWritten - rowsBefore,
      kvReads: made.filter((c) => /^(STATE|DEDUP)\.get/.test(c)).length,
      kvWrites: made.filter((c) => /^(STATE|DEDUP)\.(put|delete)/.test(c)).length,
      d1RowsWritten: d1Rows.slice(d1Before).reduce((a, b) => a + b, 0),
    };
  };
  return { bound, take, measure };
}

function withinDesign(measured: Operations, designed: Operations) {
  for (const key of ["queueOperations", "doRequests", "doRowsWritten", "kvReads", "kvWrites", "d1RowsWritten"] as const) {
    expect(measured[key], key).toBeLessThanOrEqual(designed[key]);
  }
}

describe("what a notification costs, metered", () => {
  it("event log on, one route, delivered first time: reserve, confirm and report calls, three rows written, nothing in KV or D1", async () => {
    const { bound, take, measure } = meteredBindings(eventConfig([route("ledger")]));
    // The first request of an isolate reads the added routes; the next ones reuse them for a few seconds.
    await notify({ id: uniqueId("warm"), type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const ops = await measure(async () => {
      expect((await notify({ id: uniqueId("cost"), type: "acme.paid" }, bound)).status).toBe(202);
      await drain(take, bound, () => new Response("ok"));
    });
    // The route's governor: one decide per route per consumer batch (a healthy route has nothing to report).
    expect(ops.governorCalls).toEqual(["GOVERNOR.decide"]);
    expect(ops).toMatchObject({ queueOperations: 3, doRequests: 3, doRowsWritten: 3, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 });
    withinDesign(ops, DESIGNED.logOn);
    expect(costPerMillion(DESIGNED.logOn)).toBeLessThanOrEqual(5);
  });

  it("event log off: reserve and confirm, one row (the mark), no report", async () => {
    const { bound, take, measure } = meteredBindings(eventConfig([route("ledger")], { eventLog: { enabled: false } }));
    await notify({ id: uniqueId("warm"), type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const ops = await measure(async () => {
      expect((await notify({ id: uniqueId("off"), type: "acme.paid" }, bound)).status).toBe(202);
      await drain(take, bound, () => new Response("ok"));
    });
    expect(ops).toMatchObject({ queueOperations: 3, doRequests: 2, doRowsWritten: 1, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 });
    withinDesign(ops, DESIGNED.logOff);
    expect(costPerMillion(DESIGNED.logOff)).toBeLessThanOrEqual(3);
  });

  it("a second route adds its message and at most one row; a subject adds nothing", async () => {
    const { bound, take, measure } = meteredBindings(eventConfig([route("ledger"), route("erp")]));
    await notify({ id: uniqueId("warm"), type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const ops = await measure(async () => {
      expect((await notify({ id: uniqueId("two"), type: "acme.paid", subject: "00012345" }, bound)).status).toBe(202);
      await drain(take, bound, () => new Response("ok"));
    });
    expect(ops.governorCalls).toEqual(["GOVERNOR.decide", "GOVERNOR.decide"]);
    const extra = { ...ops, queueOperations: ops.queueOperations - 3, doRequests: ops.doRequests - 3, doRowsWritten: ops.doRowsWritten - 3 };
    withinDesign(extra, DESIGNED.extraRoute);
    expect(ops.queueOperations).toBe(6);
  });

  it("each retry: its message again, one report call, one row", async () => {
    const { bound, take, measure } = meteredBindings(eventConfig([route("ledger")]));
    await notify({ id: uniqueId("warm"), type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const answers = [503];
    const ops = await measure(async () => {
      expect((await notify({ id: uniqueId("retry"), type: "acme.paid" }, bound)).status).toBe(202);
      await drain(take, bound, () => new Response("", { status: answers.shift() ?? 200 }));
    });
    // The failing batch reports to the route's governor (the breaker's count), and so does the batch that ends the run of failures.
    expect(ops.governorCalls).toEqual(["GOVERNOR.decide", "GOVERNOR.report", "GOVERNOR.decide", "GOVERNOR.report"]);
    const retry = { ...ops, queueOperations: ops.queueOperations - 3, doRequests: ops.doRequests - 3, doRowsWritten: ops.doRowsWritten - 3 };
    expect(retry).toMatchObject({ queueOperations: 3, doRequests: 1, doRowsWritten: 1 });
    withinDesign(retry, DESIGNED.retry);
  });

  it("a provider's retry (duplicate): one reserve call that appends its line, no queue operation", async () => {
    const { bound, take, measure } = meteredBindings(eventConfig([route("ledger")]));
    const id = uniqueId("dup");
    await notify({ id, type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const ops = await measure(async () => {
      expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(200);
    });
    expect(ops).toMatchObject({ queueOperations: 0, doRequests: 1, doRowsWritten: 1, kvReads: 0 });
    withinDesign(ops, DESIGNED.duplicate);
  });
});
