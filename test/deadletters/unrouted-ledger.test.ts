import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeadLetterSummary } from "../../src/deadletters/record";
import { uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, eventConfig, notify, route } from "../ledger/helpers";

/** STATE and DEDUP wrapped to count every write, and EVENTS to count every statement. */
function countingStores() {
  const writes: string[] = [];
  const statements: string[] = [];
  const kv = (name: string, real: KVNamespace) =>
    new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (prop === "put" || prop === "delete") writes.push(`${name}.${String(prop)} ${String(args[0])}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const db = new Proxy(env.EVENTS!, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop === "prepare") statements.push(String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { overrides: { STATE: kv("STATE", env.STATE), DEDUP: kv("DEDUP", env.DEDUP), EVENTS: db }, writes, statements };
}

describe("an unrouted envelope, with the event log on", () => {
  it("writes no KV and no D1 row: the ledger keeps it, listed and replayable from there, once", async () => {
    const { queue, take } = capturingQueue();
    const config = eventConfig([route("billing", ["acme.billing.*"])]);
    const stores = countingStores();
    const bound = bindings(config, { DELIVERIES: queue, ...stores.overrides });
    const id = uniqueId("nobody");

    expect((await notify({ id, type: "acme.shipping.sent" }, bound)).status).toBe(202);
    expect(stores.writes).toEqual([]);
    expect(stores.statements.filter((sql) => /dead_letters/.test(sql))).toEqual([]);
    expect(take()).toEqual([]); // no follow-up message either
    const tally = await env.EVENTS!.prepare("SELECT count(*) AS n FROM dead_letters WHERE source = 'acme' AND kind = 'unrouted'").first<{ n: number }>();
    expect(tally?.n).toBe(0);

    // Listed: the dead letters of kind unrouted are the ledger's unrouted rows.
    const envelopeId = `acme:${id}`;
    const listed = await admin<{ deadLetters: DeadLetterSummary[] }>(`/admin/dead-letters?kind=unrouted&q=${encodeURIComponent(envelopeId)}`, bound);
    expect(listed.status).toBe(200);
    expect(listed.body.deadLetters).toEqual([
      expect.objectContaining({ id: envelopeId, kind: "unrouted", source: "acme", reason: "no_route_matched", type: "acme.shipping.sent" }),
    ]);

    // Replayed to a route named by the operator: queued once, and the row leaves `unrouted`.
    const replay = await admin(`/admin/dead-letters/${encodeURIComponent(envelopeId)}/replay`, bound, {
      method: "POST",
      body: JSON.stringify({ route: "billing" }),
    });
    expect(replay).toMatchObject({ status: 202, body: { status: "replaying", ids: [envelopeId], routes: ["billing"] } });
    const sent = take() as { routeId: string; envelope: { id: string } }[];
    expect(sent.map((m) => [m.routeId, m.envelope.id])).toEqual([["billing", envelopeId]]);

    // A second replay, or a second "replay all", sends nothing again.
    const again = await admin(`/admin/dead-letters/${encodeURIComponent(envelopeId)}/replay`, bound, {
      method: "POST",
      body: JSON.stringify({ route: "billing" }),
    });
    expect(again.status).toBe(409);
    const after = await admin<{ deadLetters: DeadLetterSummary[] }>(`/admin/dead-letters?kind=unrouted&q=${encodeURIComponent(envelopeId)}`, bound);
    expect(after.body.deadLetters).toEqual([]);
    expect(take()).toEqual([]);
  });

  it("is counted, not tallied: hookgate_unrouted_total{source}", async () => {
    const config = eventConfig([route("billing", ["acme.billing.*"])]);
    const bound = bindings(config, { DELIVERIES: capturingQueue().queue });
    const { flushMetrics } = await import("../../src/observability/metrics");
    const read = async () => {
      await flushMetrics(env.EVENTS!, new Date());
      const row = await env.EVENTS!.prepare("SELECT count FROM metrics WHERE minute = 0 AND scope = 'unrouted' AND name = 'acme'").first<{ count: number }>();
      return row?.count ?? 0;
    };
    const before = await read();
    expect((await notify({ id: uniqueId("nobody"), type: "acme.shipping.sent" }, bound)).status).toBe(202);
    expect((await notify({ id: uniqueId("nobody"), type: "acme.shipping.sent" }, bound)).status).toBe(202);
    expect(await read()).toBe(before + 2);
  });
});
