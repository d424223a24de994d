import { describe, expect, it } from "vitest";
import type { DeliveryMessage } from "../../../src/delivery/message";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { arrivals, bucketUrl, consume, control, governedBindings, timedQueue } from "./helpers";

/**
 * A queue binding that throws Too Many Requests past `perSecond` messages in one second of the
 * test's clock, as Queues does past its per-queue rate (5,000 a second); the real binding behind.
 */
function throttled(timed: ReturnType<typeof timedQueue>, clock: () => number, perSecond: number) {
  const sent = new Map<number, number>();
  const take = (n: number) => {
    const second = Math.floor(clock() / 1000);
    const used = sent.get(second) ?? 0;
    if (used + n > perSecond) throw new Error("Too Many Requests: Queue send rate exceeded");
    sent.set(second, used + n);
  };
  let refused = 0;
  return {
    get refused() {
      return refused;
    },
    async send(body: DeliveryMessage, options?: QueueSendOptions) {
      try {
        take(1);
      } catch (error) {
        refused += 1;
        throw error;
      }
      await timed.queue.send(body, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>, options?: QueueSendBatchOptions) {
      const list = [...messages];
      try {
        take(list.length);
      } catch (error) {
        refused += list.length;
        throw error;
      }
      await timed.queue.sendBatch(list, options);
    },
  };
}

describe("ingest is never starved by delivery", () => {
  it("answers 202 to 1,000 new notifications and delivers each once while a down route's messages are held, each queue throwing Too Many Requests past 40 a second", async () => {
    let now = Date.now();
    const start = now;
    const clock = () => now;
    const deliveries = timedQueue(clock);
    const retries = timedQueue(clock);
    const ingestQueue = throttled(deliveries, clock, 40);
    const retryQueue = throttled(retries, clock, 40);
    const down = uniqueId("down");
    const up = uniqueId("up");
    await control(down, { status: 503 });
    const routes = [
      { id: "down", events: ["acme.down"], url: bucketUrl(down) },
      { id: "up", events: ["acme.up"], url: bucketUrl(up) },
    ];
    const bound = governedBindings(routes, ingestQueue, {}, { DELIVERY_RETRIES: retryQueue });
    const dueNow = () => [...deliveries.due(now), ...retries.due(now)];

    // The down route's backlog: 300 notifications, a second's worth (30) at a time.
    for (let i = 0; i < 300; i++) {
      if (i % 30 === 29) now += 1000;
      expect((await notify({ id: uniqueId("d"), type: "acme.down" }, bound)).status).toBe(202);
    }
    // Then 1,000 new ones, 20 a clock second, while the consumer works through whatever is due.
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const id = uniqueId("u");
      ids.push(`acme:${id}`);
      const answer = await notify({ id, type: "acme.up" }, bound);
      expect(answer.status).toBe(202);
      if (i % 20 === 19) {
        await consume(dueNow(), bound, now, 2);
        now += 1000;
      }
    }
    // A minute more of the clock: what is due is consumed (the down route's probes go on meanwhile).
    const end = now + 60_000;
    while (Math.min(deliveries.nextDue(), retries.nextDue()) <= end) {
      now = Math.max(now, Math.min(deliveries.nextDue(), retries.nextDue()));
      await consume(dueNow(), bound, now, 2);
    }

    const delivered = (await arrivals(up)).filter((a) => a.status === 200).map((a) => JSON.parse(a.body).id as string);
    expect(delivered).toHaveLength(1000);
    expect(new Set(delivered)).toEqual(new Set(ids));
    expect(ingestQueue.refused).toBe(0);
    // The down route: opened after a few failures, its messages parked, not re-sent through either queue.
    const state = (await admin<{ state: string; parked: number }>("/admin/routes/down", bound)).body;
    expect(state.state).toBe("open");
    expect(state.parked).toBeGreaterThanOrEqual(290);
    // Two batches decided side by side before the breaker opened (5 each), then one probe per 10 s.
    const span = now - start;
    expect((await arrivals(down)).length).toBeLessThanOrEqual(10 + Math.ceil(span / 10_000) + 1);
  }, 300_000);
});
