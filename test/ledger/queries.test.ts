import { describe, expect, it } from "vitest";
import { deps, runBatch } from "../delivery/helpers";
import { uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";

type Page = { events: { id: string; type: string; subject?: string; state: string; source: string }[]; cursor?: string };

describe("searching the event log", () => {
  it("lists newest first and pages with a cursor until the end", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const type = `acme.${uniqueId("paging").replaceAll("-", "_")}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = uniqueId("p");
      ids.push(`acme:${id}`);
      expect((await notify({ id, type }, bound)).status).toBe(202);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await admin<Page>(`/admin/events?type=${type}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, bound);
      expect(answer.status).toBe(200);
      expect(answer.body.events.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.events.map((e) => e.id));
      cursor = answer.body.cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(ids.toReversed());
  });

  it("filters by source, type, subject, state and q, each alone", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger")]), { DELIVERIES: queue });
    const tag = uniqueId("f").replaceAll("-", "_");
    const delivered = uniqueId("d");
    const pending = uniqueId("p");
    await notify({ id: delivered, type: `acme.${tag}.paid` }, bound);
    await drain(take, bound, () => new Response("ok"));
    await notify({ id: pending, type: `acme.${tag}.paid` }, bound);
    // BS2's boleto adapter gives a subject: the NossoNumero.
    const boleto = (nosso: string) => ({ Id: uniqueId("b"), NossoNumeroBoleto: nosso, StatusBoleto: { Status: 3, Descricao: "Liquidado" } });
    const first = boleto(`S-${tag}-1`);
    const second = boleto(`S-${tag}-2`);
    expect((await notify(first, bound, undefined, "bs2")).status).toBe(202);
    expect((await notify(second, bound, undefined, "bs2")).status).toBe(202);
    const boletoId = (b: { Id: string }) => `bs2:${b.Id}`;

    const ids = async (query: string) => (await admin<Page>(`/admin/events?${query}`, bound)).body.events.map((e) => e.id);
    expect(await ids(`type=acme.${tag}.paid`)).toEqual([`acme:${pending}`, `acme:${delivered}`]);
    expect(await ids(`type=acme.${tag}.paid&state=delivered`)).toEqual([`acme:${delivered}`]);
    expect(await ids(`type=acme.${tag}.paid&state=pending&source=acme`)).toEqual([`acme:${pending}`]);
    expect((await ids(`subject=S-${tag}-2`)).map((i) => i.split(":").slice(0, 2).join(":"))).toEqual([boletoId(second)]);
    expect((await ids(`q=S-${tag}-1`)).map((i) => i.split(":").slice(0, 2).join(":"))).toEqual([boletoId(first)]);
    expect(await ids(`source=bs2&subject=S-${tag}-1&type=acme.${tag}.paid`)).toEqual([]);
    expect(await ids(`q=acme:${pending}`)).toEqual([`acme:${pending}`]);
    expect(await ids(`type=acme.${tag}.paid&source=elsewhere`)).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ids(`type=acme.${tag}.paid&since=${future}`)).toEqual([]);
    expect(await ids(`type=acme.${tag}.paid&until=${future}`)).toHaveLength(2);
  });

  it("answers 400 naming an unknown or malformed parameter", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const unknown = await admin<{ error: { message: string } }>("/admin/events?subjct=x", bound);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("subjct");
    const badState = await admin<{ error: { message: string } }>("/admin/events?state=lost", bound);
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toContain("state");
    expect((await admin("/admin/events?since=yesterday", bound)).status).toBe(400);
    // A route is named by its id; a JSON path or quotes are not one.
    const badRoute = await admin<{ error: { message: string } }>(`/admin/events?route=${encodeURIComponent('a"b')}`, bound);
    expect(badRoute.status).toBe(400);
    expect(badRoute.body.error.message).toContain("route");
  });

  it("refuses a cursor that names shards the ledger does not have, or one twice", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const cursor = (positions: Record<string, unknown>) => btoa(JSON.stringify(positions)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const answer = async (positions: Record<string, unknown>) => (await admin(`/admin/events?cursor=${cursor(positions)}`, bound)).status;
    expect(await answer({ "0": [], "15": [] })).toBe(200);
    // The default ledger has 16 shards: 0 to 15.
    expect(await answer({ "16": [] })).toBe(400);
    expect(await answer({ "999": [] })).toBe(400);
    // "00" is shard 0 written again.
    expect(await answer({ "0": [], "00": [] })).toBe(400);
  });

  it("is refused without the admin token", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const { callWorker } = await import("../helpers");
    const response = await callWorker(new Request("http://localhost/admin/events"), bound);
    expect(response.status).toBe(401);
  });

  it("answers 404 when the log is off", async () => {
    const bound = bindings(eventConfig([route("ledger")], { eventLog: { enabled: false } }));
    expect((await admin("/admin/events", bound)).status).toBe(404);
  });
});

describe("redeliver", () => {
  it("sends the envelope again to its routes, and the new attempt joins the same timeline", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue });
    const id = uniqueId("again");
    await notify({ id, type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const path = `/admin/events/${encodeURIComponent(`acme:${id}`)}`;

    const answer = await admin(`${path}/redeliver`, bound, { method: "POST", body: JSON.stringify({ routes: ["erp"] }) });
    expect(answer).toEqual({ status: 202, body: { status: "redelivering", id: `acme:${id}`, routes: ["erp"] } });
    const pending = (await admin<{ state: string; deliveries: { routeId: string; state: string }[] }>(path, bound)).body;
    expect(pending.state).toBe("pending");
    expect(pending.deliveries.find((d) => d.routeId === "erp")?.state).toBe("pending");

    await drain(take, bound, () => new Response("", { status: 201 }));
    const after = (await admin<{ state: string; deliveries: { routeId: string; attempts: { status: number }[] }[] }>(path, bound)).body;
    expect(after.state).toBe("delivered");
    expect(after.deliveries.find((d) => d.routeId === "erp")?.attempts.map((a) => a.status)).toEqual([200, 201]);
    expect(after.deliveries.find((d) => d.routeId === "ledger")?.attempts.map((a) => a.status)).toEqual([200]);
  });

  it("defaults to every route the envelope has, refuses a route that does not exist", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue });
    const id = uniqueId("all");
    await notify({ id, type: "acme.paid" }, bound);
    take();
    const path = `/admin/events/${encodeURIComponent(`acme:${id}`)}/redeliver`;
    const all = await admin<{ routes: string[] }>(path, bound, { method: "POST", body: "{}" });
    expect(all.status).toBe(202);
    expect(all.body.routes.toSorted()).toEqual(["erp", "ledger"]);
    expect(
      take()
        .map((m) => (m as { routeId: string }).routeId)
        .toSorted(),
    ).toEqual(["erp", "ledger"]);
    const unknown = await admin<{ error: { message: string } }>(path, bound, { method: "POST", body: JSON.stringify({ routes: ["nope"] }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("nope");
    expect((await admin("/admin/events/acme:nothing/redeliver", bound, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("retry progress and operators' actions (issue 23, items 8 and 12)", () => {
  it("lists each route's attempts, last status and next attempt; the timeline names a redeliver", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue });
    const id = uniqueId("progress");
    await notify({ id, type: "acme.paid" }, bound);
    const now = Date.now();
    const fetch = (async (input: RequestInfo | URL) => new Response("", { status: String(input).endsWith("/erp") ? 500 : 200 })) as typeof globalThis.fetch;
    await runBatch(take(), bound, deps(fetch, now));

    const list = await admin<{ events: { deliveries?: Record<string, unknown> }[] }>(`/admin/events?q=${encodeURIComponent(`acme:${id}`)}`, bound);
    const progress = list.body.events[0]?.deliveries;
    expect(progress?.ledger).toEqual({ state: "delivered", attempts: 1, lastStatus: 200 });
    const erp = progress?.erp as { state: string; attempts: number; lastStatus: number; nextAttemptAt: string };
    expect({ ...erp, nextAttemptAt: undefined }).toEqual({ state: "pending", attempts: 1, lastStatus: 500, nextAttemptAt: undefined });
    expect(Date.parse(erp.nextAttemptAt)).toBeGreaterThan(now);
    const resent = take() as { attempts: { retryAt?: string }[] }[];
    expect(resent[0]?.attempts[0]?.retryAt).toBe(erp.nextAttemptAt);

    const path = `/admin/events/${encodeURIComponent(`acme:${id}`)}`;
    expect((await admin(`${path}/redeliver`, bound, { method: "POST", body: JSON.stringify({ routes: ["ledger"] }) })).status).toBe(202);
    const detail = await admin<{ deliveries: { routeId: string; actions?: { at: string; action: string }[] }[] }>(path, bound);
    expect(detail.body.deliveries.find((d) => d.routeId === "ledger")?.actions?.map((a) => a.action)).toEqual(["redelivered"]);
    expect(detail.body.deliveries.find((d) => d.routeId === "erp")?.actions).toBeUndefined();
  });
});

describe("metrics", () => {
  it("counts answers per source and outcome, deliveries per route, and receipt-to-delivery latency, per minute", async () => {
    const { queue, take } = capturingQueue();
    const tag = uniqueId("m").replaceAll("-", "");
    const ledger = `ledger${tag}`.slice(0, 60);
    const bound = bindings(eventConfig([route(ledger)]), { DELIVERIES: queue });
    const id = uniqueId("m");
    expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);
    expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(200);
    expect((await notify({ id: uniqueId("m"), type: "acme.paid" }, bound, "wrong")).status).toBe(401);
    const answers = [503];
    // Delivered 40 s (and however long the test took) after receipt: the histogram bucket (30 s, 60 s],
    // one delivery, so p50 and p99 are read halfway and 99% into it.
    await drain(take, bound, () => new Response("", { status: answers.shift() ?? 200 }), Date.now() + 40_000);

    const { status, body } = await admin<{
      bucket: string;
      buckets: { start: string; sources: Record<string, Record<string, number>>; routes: Record<string, unknown> }[];
    }>(`/admin/metrics?bucket=minute&until=${new Date(Date.now() + 120_000).toISOString()}`, bound);
    expect(status).toBe(200);
    expect(body.bucket).toBe("minute");
    const sum = (pick: (b: (typeof body.buckets)[number]) => number | undefined) => body.buckets.reduce((n, b) => n + (pick(b) ?? 0), 0);
    expect(sum((b) => (b.routes[ledger] as { delivered: number } | undefined)?.delivered)).toBe(1);
    expect(sum((b) => (b.routes[ledger] as { retried: number } | undefined)?.retried)).toBe(1);
    const withLatency = body.buckets.map((b) => b.routes[ledger] as { latencyMs?: { p50: number; p99: number } } | undefined).find((r) => r?.latencyMs);
    expect(withLatency?.latencyMs).toEqual({ p50: 45_000, p99: 59_700, deliveries: 1, p50Within: [30_000, 60_000], p99Within: [30_000, 60_000] });
    expect(sum((b) => b.sources.acme?.accepted)).toBeGreaterThanOrEqual(1);
    expect(sum((b) => b.sources.acme?.duplicate)).toBeGreaterThanOrEqual(1);
    expect(sum((b) => b.sources.acme?.unauthorized)).toBeGreaterThanOrEqual(1);

    const hours = await admin<{ buckets: { start: string }[] }>("/admin/metrics?bucket=hour", bound);
    expect(hours.body.buckets.every((b) => b.start.endsWith(":00:00.000Z"))).toBe(true);
    expect((await admin("/admin/metrics?bucket=day", bound)).status).toBe(400);
  });
});
