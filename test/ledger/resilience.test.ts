import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src";
import { REPORT_TIMEOUT_MS } from "../../src/ledger/recorder";
import { dayOf } from "../../src/ledger/tables";
import { deps, runBatch } from "../delivery/helpers";
import { basic, uniqueId } from "../helpers";
import { countedNamespace } from "../ingest/operations";
import { ACME_PASSWORD, admin, bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";
import { rowsOf, shard } from "./shards";

/** The envelopes of the events a query lists, each read back from its detail. */
async function envelopesOf(bound: Parameters<typeof admin>[1], query: string): Promise<unknown[]> {
  const page = await admin<{ events: { id: string }[] }>(`/admin/events?${query}`, bound);
  return Promise.all(page.body.events.map(async (e) => (await admin<{ event: unknown }>(`/admin/events/${encodeURIComponent(e.id)}`, bound)).body.event));
}

/** A D1 that refuses every write (its reads are never reached by ingest or delivery). */
function failingD1(): D1Database {
  const statement = {
    bind: () => statement,
    run: async () => Promise.reject(new Error("D1 is down")),
    first: async () => Promise.reject(new Error("D1 is down")),
  };
  return { prepare: () => statement, batch: async () => Promise.reject(new Error("D1_ERROR: database is down")) } as unknown as D1Database;
}

/** A D1 whose writes never answer. */
function hangingD1(): D1Database {
  const never = () => new Promise<never>(() => {});
  const statement = { bind: () => statement, run: never, first: never };
  return { prepare: () => statement, batch: never } as unknown as D1Database;
}

function logLines(spy: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return spy.mock.calls.flatMap((args) => {
    try {
      return [JSON.parse(String(args[0])) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The real ledger, except that the consumer's report never reaches it. */
function ledgerUnreachableForReports(): DurableObjectNamespace {
  return countedNamespace(
    env.LEDGER!,
    (stub) =>
      new Proxy(stub, {
        get(target, property) {
          if (property === "report") return async () => Promise.reject(new Error("Durable Object reset because its code was updated"));
          const value = Reflect.get(target, property);
          // An RPC method is itself a stub: call it through Reflect.apply, never .bind (a remote "bind").
          return typeof value === "function" ? (...args: unknown[]) => Reflect.apply(value, target, args) : value;
        },
      }),
  );
}

describe("with the ledger unreachable when the consumer reports", () => {
  it("every delivery still happens and is acked; the missing lines are counted and logged once a batch", async () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue, LEDGER: ledgerUnreachableForReports() });
    const delivered: string[] = [];
    const ids = [uniqueId("down"), uniqueId("down"), uniqueId("down")];
    for (const id of ids) expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);
    const bodies = take();
    const run = await runBatch(
      bodies,
      bound,
      deps(async (input: RequestInfo | URL) => {
        delivered.push(String(input));
        return new Response("ok");
      }),
    );
    expect(delivered).toHaveLength(6);
    expect(bodies.every((_, i) => run.acked(i))).toBe(true);
    const failures = logLines(spy).filter((l) => l.event === "event_log_write_failed");
    // One line for the batch, never one per row; its six lines counted.
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ lines: 6 });
    expect(JSON.stringify(failures[0])).toContain("code was updated");
    // The rows were written at acceptance and stay pending: the attempts are what went missing.
    const detail = await admin<{ state: string }>(
      `/admin/events/${encodeURIComponent(`acme:${ids[0]}`)}`,
      bindings(eventConfig([route("ledger"), route("erp")])),
    );
    expect(detail.body.state).toBe("pending");
    spy.mockRestore();
  });

  it("a report that hangs does not hold the consumer longer than its bound", async () => {
    const { queue, take } = capturingQueue();
    const hanging = countedNamespace(
      env.LEDGER!,
      (stub) =>
        new Proxy(stub, {
          get(target, property) {
            if (property === "report") return () => new Promise(() => {});
            const value = Reflect.get(target, property);
            return typeof value === "function" ? (...args: unknown[]) => Reflect.apply(value, target, args) : value;
          },
        }),
    );
    const bound = bindings(eventConfig([route("ledger")]), { DELIVERIES: queue, LEDGER: hanging });
    expect((await notify({ id: uniqueId("hang"), type: "acme.paid" }, bound)).status).toBe(202);
    const started = Date.now();
    const run = await runBatch(
      take(),
      bound,
      deps(async () => new Response("ok")),
    );
    expect(run.acked(0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(REPORT_TIMEOUT_MS + 1_500);
  });
});

describe("with D1 down", () => {
  it("every notification is still accepted, delivered and recorded in the ledger (D1 keeps only metrics and alerts)", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue, EVENTS: failingD1() });
    const delivered: string[] = [];
    const id = uniqueId("down");
    for (const n of [id, uniqueId("down"), uniqueId("down")]) expect((await notify({ id: n, type: "acme.paid" }, bound)).status).toBe(202);
    await drain(take, bound, (url) => {
      delivered.push(url);
      return new Response("ok");
    });
    expect(delivered).toHaveLength(6);
    expect((await admin<{ state: string }>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound)).body.state).toBe("delivered");
  });

  it("a D1 that hangs does not hold the answer", async () => {
    const bound = bindings(eventConfig([route("ledger")]), { EVENTS: hangingD1() });
    const ctx = createExecutionContext();
    const request = new Request("http://localhost/hooks/acme", {
      method: "POST",
      headers: { authorization: basic("acme", ACME_PASSWORD) },
      body: JSON.stringify({ id: uniqueId("hang"), type: "acme.paid" }),
    });
    const response = await worker.fetch(request, bound as never, ctx);
    expect(response.status).toBe(202);
  });
});

describe("operational events", () => {
  const oncall = route("oncall", ["hookgate.*"]);

  it("hookgate.delivery.dead reaches the on-call route once per route per window, never about its own delivery", async () => {
    const { queue, take } = capturingQueue();
    const ledger = `ledger-${uniqueId("o").slice(-8)}`;
    const bound = bindings(eventConfig([route(ledger), oncall]), { DELIVERIES: queue });
    await notify({ id: uniqueId("x"), type: "acme.paid" }, bound);
    await notify({ id: uniqueId("y"), type: "acme.paid" }, bound);
    // The ledger refuses for good; the on-call route refuses too, which must not raise another event.
    await drain(take, bound, () => new Response("gone", { status: 410 }));
    const dead = await envelopesOf(bound, `type=hookgate.delivery.dead&subject=${ledger}`);
    expect(dead).toHaveLength(1);
    const event = dead[0] as { source: string; data: Record<string, unknown> };
    expect(event.source).toBe("/hookgate");
    expect(event.data).toMatchObject({ routeId: ledger, reason: "rejected", lastStatus: 410 });
    const aboutOncall = [
      ...(await envelopesOf(bound, "type=hookgate.delivery.dead&subject=oncall")),
      ...(await envelopesOf(bound, "type=hookgate.route.failing&subject=oncall")),
    ];
    expect(aboutOncall).toHaveLength(0);
  });

  it("hookgate.request.quarantined names the source and the dead letter", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), oncall]), { DELIVERIES: queue });
    const response = await notify({ type: "acme.paid" }, bound, undefined, "strict");
    const quarantined = (await response.json()) as { status: string; id: string };
    expect(quarantined.status).toBe("quarantined");
    const sent = take() as { routeId: string; envelope?: { type: string; data: Record<string, unknown> } }[];
    const alert = sent.find((m) => m.envelope?.type === "hookgate.request.quarantined");
    expect(alert?.routeId).toBe("oncall");
    expect(alert?.envelope?.data).toMatchObject({ source: "strict", deadLetterId: quarantined.id });
  });

  it("hookgate.source.refusing fires once when a source's refusals pass the threshold", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), oncall], { alerts: { refusals: 4 } }), { DELIVERIES: queue });
    for (let i = 0; i < 6; i++) expect((await notify({ id: uniqueId("r"), type: "acme.paid" }, bound, "stale-password")).status).toBe(401);
    const alerts = (take() as { envelope?: { type: string; data: Record<string, unknown> } }[]).filter((m) => m.envelope?.type === "hookgate.source.refusing");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.envelope!.data).toMatchObject({ source: "acme", windowMinutes: 10 });
    expect(alerts[0]!.envelope!.data.refusals).toBeGreaterThanOrEqual(4);
  });

  it("hookgate.route.failing fires when a route's consecutive failures pass the threshold, and sends slack routes one line", async () => {
    const { queue, take } = capturingQueue();
    const flaky = `flaky-${uniqueId("f").slice(-8)}`;
    const slack = route("chat", ["hookgate.route.failing"], { format: "slack" });
    // The breaker off: with it on (5 failures, no success) the route would open and park the message (docs/delivery.md).
    const bound = bindings(
      eventConfig([route(flaky, ["acme.*"], { breaker: false }), slack], { alerts: { routeFailures: 3 }, delivery: { maxAttempts: 10 } }),
      {
        DELIVERIES: queue,
      },
    );
    await notify({ id: uniqueId("f"), type: "acme.paid" }, bound);
    await drain(take, bound, (url) => {
      if (url.endsWith("/chat")) return new Response("ok");
      return new Response("", { status: 503 });
    });
    const row = await env.EVENTS!.prepare("SELECT consecutive_failures AS n FROM route_health WHERE route_id = ?1").bind(flaky).first<{ n: number }>();
    expect(row?.n).toBe(10);
    const failing = await envelopesOf(bound, `type=hookgate.route.failing&subject=${flaky}`);
    expect(failing).toHaveLength(1);
    const { slackMessage } = await import("../../src/delivery/request");
    const text = JSON.parse(slackMessage(failing[0] as never)) as { text: string };
    expect(text.text).toBe(`hookgate.route.failing ${flaky}: route ${flaky} failed 3 attempts in a row`);
  });
});

describe("retention", () => {
  it("the Cron Trigger prunes events, requests and metrics older than eventLog.retentionDays", async () => {
    const db = env.EVENTS!;
    const old = Date.now() - 40 * 86_400_000;
    const oldId = `acme:${uniqueId("old")}`;
    // Rows are in receipt order: an old one sits before every newer one.
    await db
      .prepare(
        "INSERT INTO events (seq, id, source, type, time, received_at) VALUES (coalesce((SELECT min(seq) FROM events), 1) - 1, ?1, 'acme', 'acme.paid', '2026-01-01T00:00:00Z', ?2)",
      )
      .bind(oldId, old)
      .run();
    await db
      .prepare(
        "INSERT INTO requests (seq, request_id, source, at, outcome) VALUES (coalesce((SELECT min(seq) FROM requests), 1) - 1, 'old-request', 'acme', ?1, 'quarantined')",
      )
      .bind(old)
      .run();
    await db
      .prepare("INSERT INTO metrics (minute, scope, name, key, count) VALUES (?1, 'ingest', 'acme', 'accepted', 5)")
      .bind(Math.floor(old / 60_000))
      .run();
    const bound = bindings(eventConfig([route("ledger")]));
    const freshId = uniqueId("fresh");
    await notify({ id: freshId, type: "acme.paid" }, bound);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), bound as never, ctx);
    await waitOnExecutionContext(ctx);

    expect(await db.prepare("SELECT id FROM events WHERE id = ?1").bind(oldId).first()).toBeNull();
    expect(await rowsOf(`acme:${freshId}`)).toHaveLength(1);
    expect(await db.prepare("SELECT 1 FROM requests WHERE request_id = 'old-request'").first()).toBeNull();
    expect(
      await db
        .prepare("SELECT 1 FROM metrics WHERE minute = ?1")
        .bind(Math.floor(old / 60_000))
        .first(),
    ).toBeNull();
  });

  it("keeps what is within a longer retention", async () => {
    const db = env.EVENTS!;
    const id = `acme:${uniqueId("kept")}`;
    await db
      .prepare("INSERT INTO events (id, source, type, time, received_at) VALUES (?1, 'acme', 'acme.paid', '2026-01-01T00:00:00Z', ?2)")
      .bind(id, Date.now() - 40 * 86_400_000)
      .run();
    const bound = bindings(eventConfig([route("ledger")], { eventLog: { retentionDays: 60 } }));
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), bound as never, ctx);
    await waitOnExecutionContext(ctx);
    expect(await db.prepare("SELECT id FROM events WHERE id = ?1").bind(id).first()).not.toBeNull();
  });
});

describe("ledger retention", () => {
  it("drops whole day tables older than the retention and the longest dedup window, and keeps the rest", async () => {
    const { runInDurableObject } = await import("cloudflare:test");
    const old = dayOf(Date.now() - 40 * 86_400_000);
    const recent = dayOf(Date.now() - 5 * 86_400_000);
    await runInDurableObject(shard(3), async (_: unknown, state) => {
      for (const day of [old, recent])
        state.storage.sql.exec(
          `CREATE TABLE IF NOT EXISTS ev_${day} (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL, subject TEXT, time TEXT NOT NULL, received_at INTEGER NOT NULL, state TEXT NOT NULL, envelope TEXT, requests TEXT NOT NULL, deliveries TEXT NOT NULL)`,
        );
    });
    // The object reads its tables when it starts: a new instance sees the ones made behind its back.
    const { abortAllDurableObjects } = await import("cloudflare:test");
    await abortAllDurableObjects();
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }),
      bindings(eventConfig([route("ledger")])) as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const tables = await runInDurableObject(shard(3), async (_: unknown, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ev_%'")
        .toArray()
        .map((t) => t.name),
    );
    expect(tables).not.toContain(`ev_${old}`);
    expect(tables).toContain(`ev_${recent}`);
  });
});

describe("metrics a refused write could not take", () => {
  it("are kept in the isolate and go with the next write", async () => {
    const { count, flushMetrics } = await import("../../src/observability/metrics");
    const source = uniqueId("metrics");
    const now = new Date();
    count("ingest", source, "accepted", now.getTime(), 3);
    await expect(flushMetrics(failingD1(), now)).rejects.toThrow();
    await flushMetrics(env.EVENTS!, now);
    const row = await env.EVENTS!.prepare("SELECT sum(count) AS n FROM metrics WHERE name = ?1 AND minute > 0").bind(source).first<{ n: number }>();
    expect(row?.n).toBe(3);
    // The totals' row (minute 0, what a Prometheus scrape reads) took them once too.
    const total = await env.EVENTS!.prepare("SELECT count AS n FROM metrics WHERE name = ?1 AND minute = 0").bind(source).first<{ n: number }>();
    expect(total?.n).toBe(3);
  });

  it("a query waits for its isolate's write still under way, so it never misses counts that left the isolate", async () => {
    const { count, flushMetrics, writeMetricsIfDue } = await import("../../src/observability/metrics");
    const source = uniqueId("metrics");
    const now = new Date();
    count("ingest", source, "accepted", now.getTime(), 2);
    // A D1 whose batch takes a while: the counters have left the isolate, the rows are not written yet.
    let finish = () => {};
    const slow = new Proxy(env.EVENTS!, {
      get(target, name) {
        if (name === "batch")
          return async (statements: D1PreparedStatement[]) => {
            await new Promise<void>((resolve) => {
              finish = resolve;
            });
            return target.batch(statements);
          };
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    // Due: far enough past any earlier write of this isolate.
    const background = writeMetricsIfDue(slow, new Date(now.getTime() + 3_600_000));
    const query = flushMetrics(env.EVENTS!, now);
    setTimeout(() => finish(), 50);
    await query;
    const row = await env.EVENTS!.prepare("SELECT sum(count) AS n FROM metrics WHERE name = ?1 AND minute > 0").bind(source).first<{ n: number }>();
    expect(row?.n).toBe(2);
    await background;
  });
});
