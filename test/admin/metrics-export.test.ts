import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src";
import { count, flushMetrics } from "../../src/observability/metrics";
import { adminPost } from "../delivery/governed/helpers";
import { callWorker, uniqueId } from "../helpers";
import { ACME_PASSWORD, ADMIN_TOKEN, admin, bindings, capturingQueue, drain, eventConfig, notify, route } from "../ledger/helpers";
import { parsePrometheus, sample } from "./prometheus-parser";

async function scrape(bound: Parameters<typeof callWorker>[1], init: RequestInit = {}, query = "?format=prometheus") {
  const response = await callWorker(
    new Request(`http://localhost/admin/metrics${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...init }),
    bound,
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await response.text();
  return { text, families: await parsePrometheus(text) };
}

/** A config with a source of its own and three routes that take only its notifications. */
function setting(tag: string) {
  const source = `pix${tag}`;
  const routes = { ledger: `ledger${tag}`, erp: `erp${tag}`, audit: `audit${tag}` };
  const config = eventConfig(Object.values(routes).map((id) => route(id, ["acme.*"], { sources: [source] })));
  const sources = config.sources as Record<string, unknown>;
  sources[source] = sources.acme;
  return { config, source, routes };
}

describe("GET /admin/metrics in the Prometheus text format", () => {
  it("after known traffic: counters by source and outcome and by route and result, the latency histogram, dead letters, route state", async () => {
    const tag = uniqueId("x").replaceAll("-", "").slice(-10);
    const { config, source, routes } = setting(tag);
    const { queue, take } = capturingQueue();
    const bound = bindings(config, { DELIVERIES: queue });
    const ids = [uniqueId("a"), uniqueId("b"), uniqueId("c")];
    const start = Date.now();
    for (const id of ids) expect((await notify({ id, type: "acme.paid" }, bound, ACME_PASSWORD, source)).status).toBe(202);
    expect((await notify({ id: ids[0], type: "acme.paid" }, bound, ACME_PASSWORD, source)).status).toBe(200);
    expect((await notify({ id: uniqueId("d"), type: "acme.paid" }, bound, "wrong", source)).status).toBe(401);
    let erpFailures = 3;
    let auditRefuses = true;
    const answer = (url: string) => {
      if (url.endsWith(`/${routes.erp}`) && erpFailures-- > 0) return new Response("", { status: 503 });
      if (url.endsWith(`/${routes.audit}`) && auditRefuses) return new Response("", { status: 400 });
      return new Response("ok");
    };
    // Delivered 2.1 s after receipt (and however long the test took since).
    const deliveredAt = Date.now() + 2_100;
    await drain(take, bound, answer, deliveredAt);

    const first = await scrape(bound);
    const f = first.families;
    expect(f.hookgate_requests_total?.type).toBe("counter");
    expect(sample(f, "hookgate_requests_total", { source, outcome: "accepted" })?.value).toBe(3);
    expect(sample(f, "hookgate_requests_total", { source, outcome: "duplicate" })?.value).toBe(1);
    expect(sample(f, "hookgate_requests_total", { source, outcome: "unauthorized" })?.value).toBe(1);
    // Every answer of /hooks/{source} is timed, refusals included.
    expect(f.hookgate_request_duration_seconds?.type).toBe("histogram");
    const answered = sample(f, "hookgate_request_duration_seconds", { source });
    expect(answered?.count).toBe(5);
    expect(answered?.buckets?.["+Inf"]).toBe(5);
    expect(answered?.buckets?.["0.3"]).toBeLessThanOrEqual(5);
    expect(f.hookgate_deliveries_total?.type).toBe("counter");
    expect(sample(f, "hookgate_deliveries_total", { route: routes.ledger, result: "delivered" })?.value).toBe(3);
    expect(sample(f, "hookgate_deliveries_total", { route: routes.erp, result: "retried" })?.value).toBe(3);
    expect(sample(f, "hookgate_deliveries_total", { route: routes.erp, result: "delivered" })?.value).toBe(3);
    expect(sample(f, "hookgate_deliveries_total", { route: routes.audit, result: "dead" })?.value).toBe(3);
    expect(sample(f, "hookgate_deliveries_total", { route: routes.audit, result: "delivered" })).toBeUndefined();

    expect(f.hookgate_delivery_latency_seconds?.type).toBe("histogram");
    const ledger = sample(f, "hookgate_delivery_latency_seconds", { route: routes.ledger });
    expect(ledger?.count).toBe(3);
    expect(ledger?.buckets?.["2"]).toBe(0);
    expect(ledger?.buckets?.["10"]).toBe(3);
    expect(ledger?.buckets?.["+Inf"]).toBe(3);
    expect(ledger?.sum).toBeGreaterThanOrEqual(3 * 2.1);
    expect(ledger?.sum).toBeLessThanOrEqual((3 * (deliveredAt - start)) / 1000);
    expect(sample(f, "hookgate_delivery_latency_seconds", { route: routes.audit })).toBeUndefined();

    expect(f.hookgate_dead_letters?.type).toBe("gauge");
    expect(sample(f, "hookgate_dead_letters", { kind: "delivery", source, route: routes.audit, reason: "rejected" })?.value).toBe(3);
    expect(f.hookgate_route_state?.type).toBe("gauge");
    expect(sample(f, "hookgate_route_state", { route: routes.ledger, state: "active" })?.value).toBe(1);

    // The JSON answer counts each request once, even over a window reaching back to 1970 (the
    // totals' rows sit at minute 0 and are not a minute of traffic).
    const json = await admin<{ buckets: { sources: Record<string, Record<string, number>>; routes: Record<string, { delivered: number }> }[] }>(
      "/admin/metrics?bucket=hour&since=1970-01-01T00:00:00Z",
      bound,
    );
    expect(json.body.buckets.reduce((n, b) => n + (b.sources[source]?.accepted ?? 0), 0)).toBe(3);
    expect(json.body.buckets.reduce((n, b) => n + (b.routes[routes.ledger]?.delivered ?? 0), 0)).toBe(3);

    // The same data scraped again: the same numbers.
    const again = await scrape(bound);
    const ours = (text: string) => text.split("\n").filter((line) => line.includes(tag));
    expect(ours(again.text)).toEqual(ours(first.text));
    expect(ours(first.text).length).toBeGreaterThan(40);

    // An operator redelivers one envelope (5 minutes later) and replays one dead letter: both are
    // delivered and counted, neither is timed.
    const redeliver = await admin(`/admin/events/${encodeURIComponent(`${source}:${ids[0]}`)}/redeliver`, bound, {
      method: "POST",
      body: JSON.stringify({ routes: [routes.ledger] }),
    });
    expect(redeliver.status).toBe(202);
    const listed = await admin<{ deadLetters: { id: string }[] }>(`/admin/dead-letters?route=${routes.audit}`, bound);
    expect(listed.body.deadLetters).toHaveLength(3);
    auditRefuses = false;
    const replay = await admin(`/admin/dead-letters/${listed.body.deadLetters[0]!.id}/replay`, bound, { method: "POST", body: "{}" });
    expect(replay.status).toBe(202);
    await drain(take, bound, answer, Date.now() + 300_000);

    const later = (await scrape(bound)).families;
    expect(sample(later, "hookgate_deliveries_total", { route: routes.ledger, result: "delivered" })?.value).toBe(4);
    expect(sample(later, "hookgate_deliveries_total", { route: routes.audit, result: "delivered" })?.value).toBe(1);
    expect(sample(later, "hookgate_delivery_latency_seconds", { route: routes.ledger })?.count).toBe(3);
    expect(sample(later, "hookgate_delivery_latency_seconds", { route: routes.ledger })?.buckets?.["10"]).toBe(3);
    expect(sample(later, "hookgate_delivery_latency_seconds", { route: routes.audit })).toBeUndefined();
    expect(sample(later, "hookgate_dead_letters", { kind: "delivery", source, route: routes.audit, reason: "rejected" })?.value).toBe(2);
    // Counters only grow.
    for (const name of ["hookgate_requests_total", "hookgate_deliveries_total"]) {
      for (const before of f[name]?.data ?? []) {
        if (!Object.values(before.labels).some((v) => v.includes(tag))) continue;
        expect(sample(later, name, before.labels)?.value).toBeGreaterThanOrEqual(before.value ?? 0);
      }
    }
  });

  it("route state follows the route's governor: paused by the operator, active again on resume", async () => {
    const tag = uniqueId("s").replaceAll("-", "").slice(-10);
    const { config, routes } = setting(tag);
    const bound = bindings(config);
    const state = async () => {
      const { families } = await scrape(bound);
      return Object.fromEntries(["active", "paused", "open"].map((s) => [s, sample(families, "hookgate_route_state", { route: routes.erp, state: s })?.value]));
    };
    expect(await state()).toEqual({ active: 1, paused: 0, open: 0 });
    expect(await adminPost(`/admin/routes/${routes.erp}/pause`, bound)).toBe(204);
    expect(await state()).toEqual({ active: 0, paused: 1, open: 0 });
    expect(await adminPost(`/admin/routes/${routes.erp}/resume`, bound)).toBe(204);
    expect(await state()).toEqual({ active: 1, paused: 0, open: 0 });
  });

  it("is chosen by a scraper's Accept header; JSON stays the default; the admin token is required", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    const scraped = await scrape(bound, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept } }, "");
    expect(Object.keys(scraped.families)).toContain("hookgate_route_state");
    const json = await admin<{ buckets: unknown[] }>("/admin/metrics", bound, { headers: { accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(Array.isArray(json.body.buckets)).toBe(true);
    const forced = await callWorker(
      new Request("http://localhost/admin/metrics?format=json", { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: "text/plain" } }),
      bound,
    );
    expect(forced.headers.get("content-type")).toContain("application/json");
    const anonymous = await callWorker(new Request("http://localhost/admin/metrics?format=prometheus"), bound);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain("hookgate_");
    expect((await admin("/admin/metrics?format=openmetrics", bound)).status).toBe(400);
  });
});

describe("a quarantined request in the metrics", () => {
  it("counts as a dead letter of its source until replayed, and its replay's delivery is not timed", async () => {
    const tag = uniqueId("q").replaceAll("-", "").slice(-10);
    const source = `strict${tag}`;
    const ledger = `ledger${tag}`;
    const withIdAt = (idPath: string) => {
      const config = eventConfig([route(ledger, ["acme.*"], { sources: [source] })]);
      (config.sources as Record<string, unknown>)[source] = {
        provider: "generic",
        idPath,
        typePath: "body.type",
        onInvalid: "quarantine",
        auth: [{ type: "none" }],
      };
      return config;
    };
    const { queue, take } = capturingQueue();
    const unreadable = bindings(withIdAt("body.id"), { DELIVERIES: queue });
    const response = await callWorker(
      new Request(`http://localhost/hooks/${source}`, { method: "POST", body: JSON.stringify({ type: "acme.paid", ref: uniqueId("r") }) }),
      unreadable,
    );
    const quarantined = await response.json<{ status: string; id: string }>();
    expect(quarantined.status).toBe("quarantined");
    const labels = { kind: "quarantine", source, route: "", reason: "invalid_payload" };
    expect(sample((await scrape(unreadable)).families, "hookgate_dead_letters", labels)?.value).toBe(1);

    // The source's config is fixed; the operator reads the request again an hour later.
    const fixed = bindings(withIdAt("body.ref"), { DELIVERIES: queue });
    expect((await admin(`/admin/dead-letters/${quarantined.id}/replay`, fixed, { method: "POST", body: "{}" })).status).toBe(202);
    await drain(take, fixed, () => new Response("ok"), Date.now() + 3_600_000);
    const after = (await scrape(fixed)).families;
    expect(sample(after, "hookgate_dead_letters", labels)).toBeUndefined();
    expect(sample(after, "hookgate_requests_total", { source, outcome: "quarantined" })?.value).toBe(1);
    expect(sample(after, "hookgate_deliveries_total", { route: ledger, result: "delivered" })?.value).toBe(1);
    expect(sample(after, "hookgate_delivery_latency_seconds", { route: ledger })).toBeUndefined();
  });
});

describe("monotonic across retention", () => {
  it("keeps the totals when retention prunes the minutes they came from, and forgets expired dead letters", async () => {
    const db = env.EVENTS!;
    const tag = uniqueId("r").replaceAll("-", "").slice(-10);
    const { config, source } = setting(tag);
    const bound = bindings(config);
    const old = Date.now() - 40 * 86_400_000;
    count("ingest", source, "accepted", old, 5);
    await flushMetrics(db, new Date());
    const expired = `d${tag}`;
    await db
      .prepare("INSERT INTO dead_letters (id, kind, source, route, reason, expires_at) VALUES (?1, 'delivery', ?2, 'gone', 'rejected', ?3)")
      .bind(expired, source, Date.now() - 1000)
      .run();
    const before = (await scrape(bound)).families;
    expect(sample(before, "hookgate_requests_total", { source, outcome: "accepted" })?.value).toBe(5);
    expect(sample(before, "hookgate_dead_letters", { source })).toBeUndefined();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 * * * *" }), bound as never, ctx);
    await waitOnExecutionContext(ctx);

    const minute = await db
      .prepare("SELECT count FROM metrics WHERE minute = ?1 AND name = ?2")
      .bind(Math.floor(old / 60_000), source)
      .first();
    expect(minute).toBeNull();
    expect(await db.prepare("SELECT 1 FROM dead_letters WHERE id = ?1").bind(expired).first()).toBeNull();
    const after = (await scrape(bound)).families;
    expect(sample(after, "hookgate_requests_total", { source, outcome: "accepted" })?.value).toBe(5);
  });
});
