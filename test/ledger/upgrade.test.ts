import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { markSeen } from "../../src/ledger/kv-marks";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "../ingest/operations";
import { admin, bindings, capturingQueue, eventConfig, notify, route } from "./helpers";

afterEach(() => vi.useRealTimers());

const future = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const past = () => new Date(Date.now() - 60_000).toISOString();

describe("upgrading a gateway that kept KV marks and a D1 event log", () => {
  it("until ledger.kvMarksUntil, a notification marked the old way is a duplicate under the id it was accepted under", async () => {
    const id = uniqueId("old");
    // The mark as the gateway before the ledger wrote it: the key, the envelope id as value.
    await markSeen(env.DEDUP, [{ key: `acme:${id}`, id: `acme:${id}` }], 3600);
    const { queue, take } = capturingQueue();
    const upgrading = bindings(eventConfig([route("ledger")], { ledger: { kvMarksUntil: future() } }), { DELIVERIES: queue });
    const answer = await notify({ id, type: "acme.paid" }, upgrading);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: "duplicate", ids: [`acme:${id}`] });
    expect(take()).toEqual([]);
    // The key the shard held while it asked KV was let go: with the window over, it is accepted.
    const after = bindings(eventConfig([route("ledger")], { ledger: { kvMarksUntil: past() } }), { DELIVERIES: queue });
    expect((await notify({ id, type: "acme.paid" }, after)).status).toBe(202);
  });

  it("reads KV only for what the ledger has not seen, and not at all once the date passed", async () => {
    const counter = countingBindings();
    const config = eventConfig([route("ledger")], { ledger: { kvMarksUntil: future() } });
    const request = (id: string) =>
      callWorker(new Request("http://localhost/hooks/strict", { method: "POST", body: JSON.stringify({ id, type: "acme.paid" }) }), {
        ...bindings(config),
        ...counter.bindings,
      });
    expect((await request(uniqueId("u"))).status).toBe(202);
    expect(counter.count("DEDUP.get")).toBe(1);
    const later = countingBindings();
    const done = eventConfig([route("ledger")], { ledger: { kvMarksUntil: past() } });
    expect(
      (
        await callWorker(new Request("http://localhost/hooks/strict", { method: "POST", body: JSON.stringify({ id: uniqueId("u"), type: "acme.paid" }) }), {
          ...bindings(done),
          ...later.bindings,
        })
      ).status,
    ).toBe(202);
    expect(later.count("DEDUP")).toBe(0);
  });

  it("a mark message queued before the upgrade is still done by the consumer", async () => {
    const { runBatch, deps, target } = await import("../delivery/helpers");
    const id = uniqueId("queued");
    const run = await runBatch(
      [{ v: 1, task: "mark", marks: [{ key: `acme:${id}`, id: `acme:${id}` }], ttlSeconds: 3600 }],
      bindings(eventConfig([])),
      deps(target().fetch),
    );
    expect(run.acked(0)).toBe(true);
    expect(await env.DEDUP.get(`acme:${id}`)).toBe(`acme:${id}`);
  });

  it("an event the old D1 log recorded stays readable by id until it ages out", async () => {
    const id = `acme:${uniqueId("d1")}`;
    const envelope = {
      specversion: "1.0",
      id,
      source: "/hooks/acme",
      type: "acme.paid",
      time: "2026-11-30T10:00:00Z",
      datacontenttype: "application/json",
      receivedat: "2026-11-30T10:00:00Z",
      data: { n: 1 },
    };
    await env
      .EVENTS!.prepare(
        "INSERT INTO events (id, source, type, time, received_at, envelope, requests, deliveries, routes_total, routes_delivered) VALUES (?1, 'acme', 'acme.paid', ?2, ?3, ?4, '[]', ?5, 1, 1)",
      )
      .bind(
        id,
        envelope.time,
        Date.parse(envelope.time),
        JSON.stringify(envelope),
        JSON.stringify({ ledger: { state: "delivered", attempts: [{ at: envelope.time, status: 200, durationMs: 3 }] } }),
      )
      .run();
    const detail = await admin<{ state: string; event: { id: string }; deliveries: { routeId: string; state: string }[] }>(
      `/admin/events/${encodeURIComponent(id)}`,
      bindings(eventConfig([route("ledger")])),
    );
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ state: "delivered", event: { id }, deliveries: [{ routeId: "ledger", state: "delivered" }] });
  });
});
