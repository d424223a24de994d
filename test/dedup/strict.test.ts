import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RESERVATION_MS, shardOf } from "../../src/dedup/strict";
import type { StrictDedup } from "../../src/dedup/strict-object";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "../ingest/operations";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const config = {
  sources: {
    pay: { provider: "generic", idPath: "body.id", eventType: "pay.event", dedup: "strict", auth: [{ type: "none" }] },
    sharded: { provider: "generic", idPath: "body.id", eventType: "pay.event", dedup: "strict", dedupShards: 4, auth: [{ type: "none" }] },
    pix: { provider: "pix", dedup: "strict", auth: [{ type: "none" }] },
  },
  routes: [{ id: "ledger", events: ["*"], url: "http://127.0.0.1:8787/ledger" }],
};

function post(source: string, body: unknown, bindings: Record<string, unknown>) {
  const request = new Request(`https://gw.example/hooks/${source}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...bindings });
}

/** The row the Durable Object keeps for an id of the unsharded source `pay`. */
function row(id: string) {
  return runInDurableObject(env.STRICT_DEDUP!.getByName("pay"), async (_: StrictDedup, state) => {
    return state.storage.sql.exec<{ confirmed: number; expires: number }>("SELECT confirmed, expires FROM ids WHERE id = ?", id).toArray()[0];
  });
}

async function statuses(source: string, id: string, n: number) {
  const counters = Array.from({ length: n }, () => countingBindings());
  const responses = await Promise.all(counters.map((c) => post(source, { id }, c.bindings)));
  const sent = counters.reduce((total, c) => total + c.sent.length, 0);
  return { codes: responses.map((r) => r.status), responses, sent };
}

describe("strict dedup", () => {
  it("accepts exactly one of 50 identical requests at once; the others are 200 duplicate or 503 in flight, and only one enqueued", async () => {
    const id = uniqueId();
    const { codes, responses, sent } = await statuses("pay", id, 50);
    expect(codes.filter((c) => c === 202)).toHaveLength(1);
    expect(codes.every((c) => c === 202 || c === 200 || c === 503)).toBe(true);
    for (const r of responses.filter((r) => r.status === 503)) expect(r.headers.get("retry-after")).not.toBeNull();
    expect(sent).toBe(1);
    expect(await row(`pay:${id}`)).toMatchObject({ confirmed: 1 });
    const later = await post("pay", { id }, countingBindings().bindings);
    expect(later.status).toBe(200);
    expect(await later.json()).toEqual({ status: "duplicate", ids: [`pay:${id}`] });
  });

  it("holds the same across four shards", async () => {
    const id = uniqueId();
    const { codes, sent } = await statuses("sharded", id, 50);
    expect(codes.filter((c) => c === 202)).toHaveLength(1);
    expect(sent).toBe(1);
    expect((await post("sharded", { id }, countingBindings().bindings)).status).toBe(200);
  });

  it("answers 503, never 200, while the first request is still in flight", async () => {
    const id = `pay:${uniqueId()}`;
    // A request that reserved and has not confirmed yet.
    expect(await env.STRICT_DEDUP!.getByName("pay").reserve([id], "other-request", RESERVATION_MS)).toEqual([0]);
    const response = await post("pay", { id: id.slice("pay:".length) }, countingBindings().bindings);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("releases the reservation when the enqueue fails, so the retry is accepted at once", async () => {
    const id = uniqueId();
    const failing = countingBindings({ failQueue: true });
    expect((await post("pay", { id }, failing.bindings)).status).toBe(503);
    expect(await row(`pay:${id}`)).toBeUndefined();
    expect((await post("pay", { id }, countingBindings().bindings)).status).toBe(202);
  });

  it("lets a crashed request's reservation expire: its retry is accepted once the reservation's time is up", async () => {
    const id = `pay:${uniqueId()}`;
    const stub = env.STRICT_DEDUP!.getByName("pay");
    await stub.reserve([id], "crashed-request", RESERVATION_MS);
    expect((await post("pay", { id: id.slice(4) }, countingBindings().bindings)).status).toBe(503);
    const reserved = await row(id);
    expect(reserved!.expires - Date.now()).toBeLessThanOrEqual(RESERVATION_MS);
    // The clock moved past the reservation's expiry.
    await runInDurableObject(stub, async (_: StrictDedup, state) => {
      state.storage.sql.exec("UPDATE ids SET expires = ? WHERE id = ?", Date.now() - 1, id);
    });
    expect((await post("pay", { id: id.slice(4) }, countingBindings().bindings)).status).toBe(202);
    expect(await row(id)).toMatchObject({ confirmed: 1 });
    // The crashed request's late confirm does not take over the id.
    await stub.confirm([id], "crashed-request", 60);
    const kept = await row(id);
    expect(kept!.expires - Date.now()).toBeGreaterThan(86_400_000);
  });

  it("checks a 1,000-item Pix batch in one Durable Object round trip, and confirms it in one more", async () => {
    const prefix = uniqueId("E").replace(/-/g, "");
    const pix = Array.from({ length: 1000 }, (_, i) => ({ endToEndId: `${prefix}${i}`, valor: "1.00" }));
    const counter = countingBindings();
    const request = new Request("https://gw.example/hooks/pix/pix", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pix }),
    });
    const response = await callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...counter.bindings });
    expect(response.status).toBe(202);
    expect(counter.calls.filter((c) => c.startsWith("STRICT_DEDUP"))).toEqual(["STRICT_DEDUP.reserve", "STRICT_DEDUP.confirm"]);
    expect(counter.count("DEDUP")).toBe(0);
    expect(counter.count()).toBeLessThanOrEqual(50);
    // The route read, reserve, ten sendBatch calls of 100 deliveries, confirm.
    expect(counter.count()).toBe(13);
  }, 30_000);

  it("refuses a whole batch while one of its ids is in flight elsewhere, keeping none of its own reservations", async () => {
    const held = `pay:${uniqueId()}`;
    const free = uniqueId();
    await env.STRICT_DEDUP!.getByName("pix").reserve([`pix:${held}`], "other-request", RESERVATION_MS);
    const request = new Request("https://gw.example/hooks/pix/pix", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pix: [{ endToEndId: free }, { endToEndId: held }] }),
    });
    const counter = countingBindings();
    expect((await callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...counter.bindings })).status).toBe(503);
    expect(counter.sent).toHaveLength(0);
    const rows = await runInDurableObject(env.STRICT_DEDUP!.getByName("pix"), async (_: StrictDedup, state) =>
      state.storage.sql.exec("SELECT id FROM ids WHERE id = ?", `pix:${free}`).toArray(),
    );
    expect(rows).toEqual([]);
  });

  it("is a config error (500) without the STRICT_DEDUP binding, never an unchecked acceptance", async () => {
    const response = await post("pay", { id: uniqueId() }, { ...countingBindings().bindings, STRICT_DEDUP: undefined });
    expect(response.status).toBe(500);
  });

  it("spreads ids over the shards by a stable hash", () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`s:${i}`, 4)));
    expect([...shards].sort()).toEqual([0, 1, 2, 3]);
    expect(shardOf("s:42", 4)).toBe(shardOf("s:42", 4));
    expect(shardOf("anything", 1)).toBe(0);
  });
});
