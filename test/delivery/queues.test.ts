import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliveryQueueFor, deliveryQueuesOf, queueIndex, spreadKeyOf } from "../../src/delivery/queues";
import type { Bindings } from "../../src/env";
import { writeStoredRoutes } from "../../src/routing/store";
import { uniqueId } from "../helpers";
import { bindings, eventConfig, notify } from "../ledger/helpers";
import { arrivals, bucketUrl } from "./governed/helpers";

/** A queue binding that keeps what was sent to it, the real queue behind. */
function watched(queue: Queue<unknown>) {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (body: unknown, options?: QueueSendOptions) => {
      sent.push(body);
      await queue.send(body, options);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      sent.push(...list.map((m) => m.body));
      await queue.sendBatch(list, options);
    },
  };
}

describe("choosing a delivery queue", () => {
  it("is the first queue whatever the text when one queue is bound", () => {
    for (const text of ["", "a", "acme:x-1", "route\u0000key"]) expect(queueIndex(text, 1)).toBe(0);
  });

  it("spreads envelope ids evenly over four queues, the same id always to the same one", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[queueIndex(`acme:${i}`, 4)]! += 1;
    for (const n of counts) expect(n).toBeGreaterThan(850);
    expect(queueIndex("acme:42", 4)).toBe(queueIndex("acme:42", 4));
  });

  it("spreads an ordered message by its route and key, so a key's messages share a queue, and any other by its envelope id", () => {
    const a = { routeId: "ledger", sequence: { key: "boleto-1", n: 1 }, envelope: { id: "acme:1" } };
    const b = { routeId: "ledger", sequence: { key: "boleto-1", n: 2 }, envelope: { id: "acme:2" } };
    expect(spreadKeyOf(a)).toBe(spreadKeyOf(b));
    expect(spreadKeyOf({ routeId: "ledger", envelope: { id: "acme:1" } })).toBe("acme:1");
    expect(spreadKeyOf({ routeId: "ledger", envelopeKey: "envelope:acme:9" })).toBe("envelope:acme:9");
  });

  it("reads DELIVERIES, DELIVERIES_1, … until a name is missing", () => {
    const one = { DELIVERIES: "q0" } as unknown as Bindings;
    const three = { DELIVERIES: "q0", DELIVERIES_1: "q1", DELIVERIES_2: "q2", DELIVERIES_4: "q4" } as unknown as Bindings;
    expect(deliveryQueuesOf(one)).toEqual(["q0"]);
    expect(deliveryQueuesOf(three)).toEqual(["q0", "q1", "q2"]);
    expect(deliveryQueueFor(one, "anything")).toBe("q0");
  });
});

describe("a gateway with two delivery queues", () => {
  it("sends each notification to the queue its id hashes to, and the second queue's own consumer delivers it to a real receiver", async () => {
    const bucket = uniqueId("spread");
    // A route added through the admin API (STATE KV): the background consumer runs with the
    // default config and finds it there. Without its breaker: a route with no success yet
    // tries 5 messages a batch and holds the rest, and a held message goes to the retries
    // queue, which here (no DELIVERY_RETRIES bound) is the first queue, consumed by no one.
    const routeId = uniqueId("spread-route");
    const now = new Date().toISOString();
    await writeStoredRoutes(env.STATE, [
      { id: routeId, createdAt: now, updatedAt: now, route: { events: ["acme.spread"], url: bucketUrl(bucket), breaker: false } },
    ]);
    const first = watched(env.DELIVERIES as Queue<unknown>);
    const second = watched(env.TEST_DELIVERIES_1);
    const bound = bindings(eventConfig([]), { DELIVERIES: first, DELIVERIES_1: second });

    const ids = Array.from({ length: 12 }, () => uniqueId("n"));
    for (const id of ids) expect((await notify({ id, type: "acme.spread" }, bound)).status).toBe(202);

    const onSecond = ids.filter((id) => queueIndex(`acme:${id}`, 2) === 1);
    expect(onSecond.length).toBeGreaterThan(0);
    expect(onSecond.length).toBeLessThan(ids.length);
    const idsIn = (sent: unknown[]) => sent.map((m) => (m as { envelope: { id: string } }).envelope.id).sort();
    expect(idsIn(second.sent)).toEqual(onSecond.map((id) => `acme:${id}`).sort());
    expect(idsIn(first.sent)).toEqual(
      ids
        .filter((id) => !onSecond.includes(id))
        .map((id) => `acme:${id}`)
        .sort(),
    );

    // Nothing consumes the first queue in the tests; the second's consumer delivers in the background.
    let delivered: string[] = [];
    for (let waited = 0; waited < 20_000 && delivered.length < onSecond.length; waited += 250) {
      await scheduler.wait(250);
      delivered = (await arrivals(bucket)).filter((a) => a.status === 200).map((a) => JSON.parse(a.body).id as string);
    }
    expect(delivered.sort()).toEqual(onSecond.map((id) => `acme:${id}`).sort());
  }, 30_000);
});
