import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";
import { everyShardText } from "./shards";

interface Detail {
  event: { id: string; subject?: string; data: unknown };
  state: string;
  requests: { requestId: string; at: string; outcome: string }[];
  deliveries: { routeId: string; state: string; attempts: { status?: number; error?: string }[] }[];
}

describe("a notification's story, read back from the event log", () => {
  it("shows the provider's retry as a duplicate request and every attempt of each route", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")]), { DELIVERIES: queue });
    const id = uniqueId("boleto");
    const body = { id, type: "acme.boleto.settled", subject: "00012345", amount: 1990 };

    const first = await notify(body, bound);
    expect(first.status).toBe(202);
    const retry = await notify(body, bound);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ status: "duplicate", ids: [`acme:${id}`] });

    const erpAnswers = [503, 503, 200];
    await drain(take, bound, (url) => new Response("", { status: url.endsWith("/erp") ? (erpAnswers.shift() ?? 200) : 200 }));

    const { status, body: detail } = await admin<Detail>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound);
    expect(status).toBe(200);
    expect(detail.state).toBe("delivered");
    expect(detail.event).toMatchObject({ id: `acme:${id}`, data: body });
    expect(detail.requests.map((r) => r.outcome)).toEqual(["accepted", "duplicate"]);
    expect(detail.requests[0]!.requestId).toBe(first.headers.get("x-request-id"));
    expect(detail.requests[1]!.requestId).toBe(retry.headers.get("x-request-id"));
    const byRoute = Object.fromEntries(detail.deliveries.map((d) => [d.routeId, d]));
    expect(byRoute.ledger).toMatchObject({ state: "delivered", attempts: [{ status: 200 }] });
    expect(byRoute.erp).toMatchObject({ state: "delivered", attempts: [{ status: 503 }, { status: 503 }, { status: 200 }] });

    const listed = await admin<{ events: { id: string; state: string; routes: Record<string, string> }[] }>(
      `/admin/events?q=${encodeURIComponent(`acme:${id}`)}`,
      bound,
    );
    expect(listed.body.events).toEqual([expect.objectContaining({ id: `acme:${id}`, state: "delivered", routes: { ledger: "delivered", erp: "delivered" } })]);
  });

  it("keeps an envelope pending while one route retries, dead once it gives up", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger"), route("erp")], { delivery: { maxAttempts: 2 } }), { DELIVERIES: queue });
    const id = uniqueId("dies");
    expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);
    const eventPath = `/admin/events/${encodeURIComponent(`acme:${id}`)}`;
    expect((await admin<Detail>(eventPath, bound)).body.state).toBe("pending");

    await drain(take, bound, (url) => new Response("", { status: url.endsWith("/erp") ? 500 : 200 }));
    const detail = (await admin<Detail>(eventPath, bound)).body;
    expect(detail.state).toBe("dead");
    expect(Object.fromEntries(detail.deliveries.map((d) => [d.routeId, d.state]))).toEqual({ ledger: "delivered", erp: "dead" });
  });

  it("marks an envelope no route matched as unrouted", async () => {
    const bound = bindings(eventConfig([route("ledger", ["other.*"])]));
    const id = uniqueId("nobody");
    expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);
    const detail = (await admin<Detail>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound)).body;
    expect(detail).toMatchObject({ state: "unrouted", deliveries: [] });
  });

  it("answers 404 for an envelope it never saw", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    expect((await admin("/admin/events/acme:never", bound)).status).toBe(404);
  });

  it("stores no credential: not the password, not the Authorization header", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    await notify({ id: uniqueId("secret"), type: "acme.paid" }, bound);
    await notify({ id: uniqueId("wrong"), type: "acme.paid" }, bound, "not-the-password");
    for (const table of ["events", "requests", "metrics", "alerts"]) {
      const { results } = await env.EVENTS!.prepare(`SELECT * FROM ${table}`).all();
      const text = JSON.stringify(results);
      expect(text).not.toContain("acme-s3cret-pa55");
      expect(text).not.toContain("not-the-password");
      expect(text.toLowerCase()).not.toContain("basic ");
    }
    // Every table of every shard of the ledger, too.
    const shards = await everyShardText();
    expect(shards).toContain("acme:");
    expect(shards).not.toContain("acme-s3cret-pa55");
    expect(shards).not.toContain("not-the-password");
    expect(shards).not.toContain(btoa("acme:acme-s3cret-pa55"));
    expect(shards.toLowerCase()).not.toContain("basic ");
  });

  it("records refused requests only as counts: a stranger adds no row", async () => {
    const bound = bindings(eventConfig([route("ledger")]));
    const before = await env.EVENTS!.prepare("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM requests) AS n").first<{ n: number }>();
    for (let i = 0; i < 5; i++) expect((await notify({ id: uniqueId("x"), type: "acme.paid" }, bound, "guess")).status).toBe(401);
    const after = await env.EVENTS!.prepare("SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM requests) AS n").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("an answer before authentication", () => {
  it("a 503 because the signing keys cannot be had is counted, never recorded as a request", async () => {
    const config = {
      sources: { keyed: { provider: "generic", auth: [{ type: "jwt", alg: "RS256", jwksUrl: "https://jwks.invalid/keys" }] } },
      routes: [route("ledger", ["*"])],
    };
    const { callWorker } = await import("../helpers");
    // The key set's host does not answer.
    const spy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed"));
    const response = await callWorker(
      new Request("http://localhost/hooks/keyed", {
        method: "POST",
        headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.e30.c2ln" },
        body: "{}",
      }),
      bindings(config),
    );
    spy.mockRestore();
    expect(response.status).toBe(503);
    const row = await env.EVENTS!.prepare("SELECT 1 FROM requests WHERE request_id = ?1").bind(response.headers.get("x-request-id")).first();
    expect(row).toBeNull();
  });
});
