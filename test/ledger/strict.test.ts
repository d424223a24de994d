import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RESERVATION_MS } from "../../src/ledger/object";
import { shardOf } from "../../src/ledger/shard";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "../ingest/operations";
import { rowsOf, shardFor } from "./shards";

beforeEach(() => void captureLogs());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

// Every source is exactly-once now: `"dedup": "strict"`, `dedupShards` and the default alike.
const config = {
  sources: {
    pay: { provider: "generic", idPath: "body.id", eventType: "pay.event", dedup: "strict", auth: [{ type: "none" }] },
    sharded: { provider: "generic", idPath: "body.id", eventType: "pay.event", dedup: "strict", dedupShards: 4, auth: [{ type: "none" }] },
    plain: { provider: "generic", idPath: "body.id", eventType: "pay.event", auth: [{ type: "none" }] },
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

async function statuses(source: string, id: string, n: number) {
  const counters = Array.from({ length: n }, () => countingBindings());
  const responses = await Promise.all(counters.map((c) => post(source, { id }, c.bindings)));
  const sent = counters.reduce((total, c) => total + c.sent.length, 0);
  return { codes: responses.map((r) => r.status), responses, sent };
}

describe("exactly-once acceptance in the ledger", () => {
  for (const source of ["pay", "sharded", "plain"]) {
    it(`accepts exactly one of 50 identical requests at once (${source}); the others are 200 duplicate or 503, and only one enqueued`, async () => {
      const id = uniqueId();
      const { codes, responses, sent } = await statuses(source, id, 50);
      expect(codes.filter((c) => c === 202)).toHaveLength(1);
      expect(codes.every((c) => c === 202 || c === 200 || c === 503)).toBe(true);
      for (const r of responses.filter((r) => r.status === 503)) expect(r.headers.get("retry-after")).not.toBeNull();
      expect(sent).toBe(1);
      expect(await rowsOf(`${source}:${id}`)).toHaveLength(1);
      const later = await post(source, { id }, countingBindings().bindings);
      expect(later.status).toBe(200);
      expect(await later.json()).toEqual({ status: "duplicate", ids: [`${source}:${id}`] });
    });
  }

  it("answers 503, never 200, while another request holds the key and does not settle", async () => {
    const id = `pay:${uniqueId()}`;
    // A request that reserved and has not confirmed yet.
    expect(await shardFor(id).reserve({ keys: [id], ttlSeconds: 3600, token: "other-request" })).toEqual([{ fresh: true }]);
    const response = await post("pay", { id: id.slice("pay:".length) }, countingBindings().bindings);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });

  it("answers a request that waited for the first one's confirm as a duplicate of it", async () => {
    const id = `pay:${uniqueId()}`;
    const stub = shardFor(id);
    await stub.reserve({ keys: [id], ttlSeconds: 3600, token: "first" });
    const second = post("pay", { id: id.slice(4) }, countingBindings().bindings);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stub.confirm({ token: "first", marks: [{ key: id, id, receivedAt: Date.now() }] });
    const answer = await second;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: "duplicate", ids: [id] });
  });

  it("releases the keys when the enqueue fails, writes nothing, so the retry is accepted at once", async () => {
    const id = uniqueId();
    const failing = countingBindings({ failQueue: true });
    expect((await post("pay", { id }, failing.bindings)).status).toBe(503);
    expect(await rowsOf(`pay:${id}`)).toEqual([]);
    expect((await post("pay", { id }, countingBindings().bindings)).status).toBe(202);
  });

  it("lets a crashed request's in-flight mark expire: its retry is accepted once the mark's time is up", async () => {
    const id = `pay:${uniqueId()}`;
    await shardFor(id).reserve({ keys: [id], ttlSeconds: 3600, token: "crashed-request" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + RESERVATION_MS + 1000 });
    expect((await post("pay", { id: id.slice(4) }, countingBindings().bindings)).status).toBe(202);
    expect(await rowsOf(id)).toHaveLength(1);
    // The crashed request's late confirm does not take the key from the one that was accepted.
    await shardFor(id).release([id], "crashed-request");
    expect((await post("pay", { id: id.slice(4) }, countingBindings().bindings)).status).toBe(200);
  });

  it("checks a 1,000-item Pix batch in one call per shard, and confirms it in one more per shard, inside 50 subrequests", async () => {
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
    expect(counter.count("LEDGER.reserve")).toBe(16);
    expect(counter.count("LEDGER.confirm")).toBe(16);
    expect(counter.count("DEDUP")).toBe(0);
    // The route read, 16 reserves, ten sendBatch calls of 100 deliveries, 16 confirms.
    expect(counter.count()).toBe(43);
    expect(counter.count()).toBeLessThanOrEqual(50);
  }, 30_000);

  it("refuses a whole batch while one of its keys is in flight elsewhere, keeping none of its own", async () => {
    const held = uniqueId();
    const free = uniqueId();
    await shardFor(`pix:${held}`).reserve({ keys: [`pix:${held}`], ttlSeconds: 3600, token: "other-request" });
    const request = () =>
      new Request("https://gw.example/hooks/pix/pix", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pix: [{ endToEndId: free }, { endToEndId: held }] }),
      });
    const counter = countingBindings();
    expect((await callWorker(request(), { GATEWAY_CONFIG: JSON.stringify(config), ...counter.bindings })).status).toBe(503);
    expect(counter.sent).toHaveLength(0);
    expect(await rowsOf(`pix:${free}`)).toEqual([]);
    // The free key was let go: once the other request settles, the batch is accepted whole.
    await shardFor(`pix:${held}`).release([`pix:${held}`], "other-request");
    expect((await callWorker(request(), { GATEWAY_CONFIG: JSON.stringify(config), ...countingBindings().bindings })).status).toBe(202);
  });

  it("is a config error (500) without the LEDGER binding, never an unchecked acceptance", async () => {
    const response = await post("pay", { id: uniqueId() }, { ...countingBindings().bindings, LEDGER: undefined });
    expect(response.status).toBe(500);
  });

  it("answers 503 with Retry-After when a shard throws at acceptance, and enqueues nothing", async () => {
    const counter = countingBindings();
    const broken = {
      idFromName: (name: string) => env.LEDGER!.idFromName(name),
      get: () => ({ reserve: async () => Promise.reject(new Error("shard down")), release: async () => {} }),
    };
    const response = await post("plain", { id: uniqueId() }, { ...counter.bindings, LEDGER: broken });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    expect(counter.sent).toHaveLength(0);
  });

  it("spreads keys over the shards by a stable hash", () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`s:${i}`, 4)));
    expect([...shards].sort()).toEqual([0, 1, 2, 3]);
    expect(shardOf("s:42", 4)).toBe(shardOf("s:42", 4));
    expect(shardOf("anything", 1)).toBe(0);
  });
});
