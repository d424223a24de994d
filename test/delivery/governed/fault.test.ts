import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { notify } from "../../ledger/helpers";
import { arrivals, consume, governedBindings, recorderRoute, timedQueue } from "./helpers";

/** A governor namespace whose objects cannot be reached, as during an outage. */
const unreachable = {
  getByName: () =>
    new Proxy(
      {},
      {
        get: () => async () => {
          throw new Error("Durable Object unreachable (network connection lost)");
        },
      },
    ),
};

/** A governor namespace whose objects never answer, as when one is overloaded. */
const hanging = {
  getByName: () => new Proxy({}, { get: () => () => new Promise(() => {}) }),
};

describe("when a route's governor cannot be reached", () => {
  it("holds the route's messages (no attempt used up) and delivers them all, in order, once it is back", async () => {
    let clock = Date.now();
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("fault");
    const routes = [recorderRoute("ledger", bucket, { ordered: { key: "data.boleto" } })];
    const healthy = governedBindings(routes, queue);
    const broken = governedBindings(routes, queue, {}, { ROUTE_GOVERNOR: unreachable });
    const boleto = uniqueId("boleto");
    for (let status = 1; status <= 5; status++) {
      expect((await notify({ id: `${boleto}-${status}`, type: "acme.boleto.status", boleto, status }, healthy)).status).toBe(202);
    }

    // Three rounds with the governor down: nothing is attempted, everything is sent again later.
    for (let round = 0; round < 3; round++) {
      clock = Math.max(clock, nextDue());
      const bodies = due(clock);
      expect(bodies).toHaveLength(5);
      for (const body of bodies) expect(body.attempts).toEqual([]);
      await consume(bodies.reverse(), broken, clock);
    }
    expect(await arrivals(bucket)).toEqual([]);

    while (Number.isFinite(nextDue())) {
      clock = Math.max(clock, nextDue());
      await consume(due(clock).reverse(), healthy, clock);
    }
    const received = await arrivals(bucket);
    expect(received.map((a) => JSON.parse(a.body).data.status)).toEqual([1, 2, 3, 4, 5]);
  });

  it("refuses a notification for an ordered route with 503 rather than accept it without its place in line", async () => {
    const { queue, pending } = timedQueue(Date.now);
    const routes = [recorderRoute("ledger", "x", { ordered: { key: "data.boleto" } })];
    const bound = governedBindings(routes, queue, {}, { ROUTE_GOVERNOR: unreachable });
    const boleto = uniqueId("boleto");
    const notification = { id: uniqueId("n"), type: "acme.paid", boleto };
    const response = await notify(notification, bound);
    expect(response.status).toBe(503);
    expect(pending).toEqual([]);
    // The provider's retry, once the object is back, is accepted.
    const retried = await notify(notification, governedBindings(routes, queue));
    expect(retried.status).toBe(202);
    expect(pending.map((p) => p.body.sequence)).toEqual([{ key: boleto, n: 1 }]);
  });

  it("answers 503 with Retry-After when an ordered route's governor does not number the messages in time", async () => {
    const { queue, pending } = timedQueue(Date.now);
    const routes = [recorderRoute("ledger", "x", { ordered: { key: "data.boleto" } })];
    const bound = governedBindings(routes, queue, {}, { ROUTE_GOVERNOR: hanging });
    const started = Date.now();
    const response = await notify({ id: uniqueId("n"), type: "acme.paid", boleto: uniqueId("boleto") }, bound);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(pending).toEqual([]);
  }, 30_000);
});
