import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src";
import { basic, uniqueId } from "../helpers";
import { ACME_PASSWORD, bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";

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

describe("with D1 down", () => {
  it("every notification is still accepted and delivered; the failure is counted and logged once a batch", async () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue, EVENTS: failingD1() });
    const delivered: string[] = [];
    for (let i = 0; i < 3; i++) expect((await notify({ id: uniqueId("down"), type: "acme.paid" }, bound)).status).toBe(202);
    await drain(take, bound, (url) => {
      delivered.push(url);
      return new Response("ok");
    });
    expect(delivered).toHaveLength(6);
    const failures = logLines(spy).filter((l) => l.event === "event_log_write_failed");
    // One line per ingest request (3) and per consumer batch (1), never one per row.
    expect(failures).toHaveLength(4);
    expect(failures.every((l) => typeof l.statements === "number" && JSON.stringify(l).includes("D1_ERROR"))).toBe(true);
    spy.mockRestore();
  });

  it("a D1 that hangs does not hold the answer", async () => {
    const bound = bindings(eventConfig([route("ledger")]), { EVENTS: hangingD1() });
    const ctx = createExecutionContext();
    const request = new Request("http://localhost/hooks/acme", {
      method: "POST",
      headers: { authorization: basic("acme", ACME_PASSWORD) },
      body: JSON.stringify({ id: uniqueId("hang"), type: "acme.paid" }),
    });
    // The answer comes while the log's write is still waiting (it is abandoned after a bound).
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
    const dead = await env
      .EVENTS!.prepare("SELECT envelope FROM events WHERE type = 'hookgate.delivery.dead' AND subject = ?1")
      .bind(ledger)
      .all<{ envelope: string }>();
    expect(dead.results).toHaveLength(1);
    const event = JSON.parse(dead.results[0]!.envelope) as { source: string; data: Record<string, unknown> };
    expect(event.source).toBe("/hookgate");
    expect(event.data).toMatchObject({ routeId: ledger, reason: "rejected", lastStatus: 410 });
    const aboutOncall = await env
      .EVENTS!.prepare("SELECT count(*) AS n FROM events WHERE type LIKE 'hookgate.%' AND subject = 'oncall'")
      .first<{ n: number }>();
    expect(aboutOncall?.n).toBe(0);
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
    const bound = bindings(eventConfig([route(flaky), slack], { alerts: { routeFailures: 3 }, delivery: { maxAttempts: 10 } }), { DELIVERIES: queue });
    await notify({ id: uniqueId("f"), type: "acme.paid" }, bound);
    await drain(take, bound, (url) => {
      if (url.endsWith("/chat")) return new Response("ok");
      return new Response("", { status: 503 });
    });
    const row = await env.EVENTS!.prepare("SELECT consecutive_failures AS n FROM route_health WHERE route_id = ?1").bind(flaky).first<{ n: number }>();
    expect(row?.n).toBe(10);
    const failing = await env
      .EVENTS!.prepare("SELECT envelope FROM events WHERE type = 'hookgate.route.failing' AND subject = ?1")
      .bind(flaky)
      .all<{ envelope: string }>();
    expect(failing.results).toHaveLength(1);
    const { slackMessage } = await import("../../src/delivery/request");
    const text = JSON.parse(slackMessage(JSON.parse(failing.results[0]!.envelope))) as { text: string };
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
    expect(await db.prepare("SELECT id FROM events WHERE id = ?1").bind(`acme:${freshId}`).first()).not.toBeNull();
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

describe("metrics a refused write could not take", () => {
  it("are kept in the isolate and go with the next write", async () => {
    const { count, flushMetrics } = await import("../../src/events/metrics");
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
});
