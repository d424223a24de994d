import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueId } from "../helpers";
import { bindings, capturingQueue, drain, eventConfig, notify, route } from "./helpers";

/** D1 bills rows written, index rows included: this wraps the binding and adds up what D1 reports. */
function meteredD1() {
  const metered = { batches: [] as number[][] };
  const db = env.EVENTS!;
  const wrapped = new Proxy(db, {
    get(target, name) {
      if (name === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          metered.batches.push(results.map((r) => r.meta.rows_written ?? 0));
          return results;
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped as D1Database, metered };
}

describe("what the event log costs a notification", () => {
  it("one D1 batch at ingest, one per queue batch; two rows for the envelope (three with a subject) and one per route delivered", async () => {
    const { db, metered } = meteredD1();
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("ledger")]), { DELIVERIES: queue, EVENTS: db });
    expect((await notify({ id: uniqueId("cost"), type: "acme.paid" }, bound)).status).toBe(202);
    expect(metered.batches).toHaveLength(1);
    // The envelope's row and its id index; a metrics flush, when one is due, rides in the same batch.
    expect(metered.batches[0]![0]).toBe(2);
    await drain(take, bound, () => new Response("ok"));
    // The route's update; the route's health is written once per isolate while it stays healthy.
    expect(metered.batches[1]![0]).toBe(1);
    const before = metered.batches.length;
    expect((await notify({ id: uniqueId("cost"), type: "acme.paid" }, bound)).status).toBe(202);
    await drain(take, bound, () => new Response("ok"));
    expect(metered.batches.length - before).toBe(2);
  });

  it("a subject adds its index row", async () => {
    const { db, metered } = meteredD1();
    const bound = bindings(eventConfig([route("ledger")]), { EVENTS: db });
    const boleto = { Id: uniqueId("b"), NossoNumeroBoleto: "00012345", StatusBoleto: { Status: 3 } };
    expect((await notify(boleto, bound, undefined, "bs2")).status).toBe(202);
    expect(metered.batches[0]![0]).toBe(3);
  });
});
