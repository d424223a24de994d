import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { notify } from "../../ledger/helpers";
import { arrivals, consume, governedBindings, recorderRoute, timedQueue } from "./helpers";

describe("the rate limit", () => {
  it("never lets more than perSecond + 1 requests into any one-second window at the receiver while 200 are pending", async () => {
    const { queue, due, nextDue } = timedQueue(Date.now);
    const bucket = uniqueId("limited");
    const bound = governedBindings([recorderRoute("limited", bucket, { rateLimit: { perSecond: 5 } })], queue);
    const ids = Array.from({ length: 200 }, () => uniqueId("n"));
    for (const id of ids) expect((await notify({ id, type: "acme.paid" }, bound)).status).toBe(202);

    // On the real clock: due messages go in batches of 10, four consumer invocations at once, as Queues would run them.
    const deadline = Date.now() + 150_000;
    while (Number.isFinite(nextDue()) && Date.now() < deadline) {
      const wait = nextDue() - Date.now();
      if (wait > 0) await scheduler.wait(Math.min(wait, 1000));
      await consume(due(Date.now()), bound, "real", 4);
    }

    const received = (await arrivals(bucket)).map((a) => a.at).sort((a, b) => a - b);
    expect(received).toHaveLength(200);
    let busiest = 0;
    for (let i = 0; i < received.length; i++) {
      let j = i;
      while (j < received.length && received[j]! < received[i]! + 1000) j++;
      busiest = Math.max(busiest, j - i);
    }
    expect(busiest).toBeLessThanOrEqual(6);
    // And it does not crawl: 200 at 5 a second take about 40 s.
    expect(received.at(-1)! - received[0]!).toBeLessThan(60_000);
  }, 180_000);
});
