import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueId } from "../helpers";
import { ACME_PASSWORD, bindings, capturingQueue, eventConfig, notify, route } from "../ledger/helpers";

/** EVENTS wrapped to count the refusal alert's queries. */
function countingEvents() {
  const queries: string[] = [];
  const db = new Proxy(env.EVENTS!, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop === "prepare" && /key IN \('unauthorized', 'forbidden'\)/.test(String(args[0]))) queries.push(String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db, queries };
}

describe("the refusal alert", () => {
  it("counts refusals in the isolate and asks D1 at most once a minute per source, however many come", async () => {
    const source = `src-${uniqueId("r").slice(-10).toLowerCase()}`;
    const config = eventConfig([route("ledger")], { alerts: { refusals: 1000 } });
    const sources = config.sources as Record<string, unknown>;
    sources[source] = sources.acme;
    const { db, queries } = countingEvents();
    const bound = bindings(config, { DELIVERIES: capturingQueue().queue, EVENTS: db });
    for (let i = 0; i < 60; i++) expect((await notify({ id: uniqueId("r"), type: "acme.paid" }, bound, "stale-password", source)).status).toBe(401);
    // Before: one query every alerts.refusals / 2 refusals (60 here at a threshold of 20: 6 queries; 500 at 1,000: 1 in 60).
    expect(queries).toHaveLength(1);
    expect((await notify({ id: uniqueId("ok"), type: "acme.paid" }, bound, ACME_PASSWORD, source)).status).toBe(202);
  });

  it("fires from the isolate's own count, without waiting for D1", async () => {
    const source = `src-${uniqueId("f").slice(-10).toLowerCase()}`;
    const oncall = route("oncall", ["hookgate.*"]);
    const config = eventConfig([route("ledger"), oncall], { alerts: { refusals: 5 } });
    const sources = config.sources as Record<string, unknown>;
    sources[source] = sources.acme;
    const { queue, take } = capturingQueue();
    const { db, queries } = countingEvents();
    const bound = bindings(config, { DELIVERIES: queue, EVENTS: db });
    for (let i = 0; i < 12; i++) await notify({ id: uniqueId("r"), type: "acme.paid" }, bound, "stale-password", source);
    const alerts = (take() as { envelope?: { type: string; subject?: string } }[]).filter((m) => m.envelope?.type === "hookgate.source.refusing");
    expect(alerts.map((a) => a.envelope?.subject)).toEqual([source]);
    expect(queries).toHaveLength(1);
  });
});
