import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { notify } from "../../ledger/helpers";
import { arrivals, consume, control, governedBindings, recorderRoute, seeded, shuffled, timedQueue } from "./helpers";

const KEYS = 20;
const STATUSES = 10;

describe("ordered delivery per business key", () => {
  it("delivers 20 keys × 10 statuses in acceptance order per key, with 30% of first attempts failing, in shuffled batches", async () => {
    const start = Date.now();
    let clock = start;
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("ordered");
    await control(bucket, { failFirst: 0.3, seed: 20260501 });
    const bound = governedBindings([recorderRoute("ledger", bucket, { ordered: { key: "data.boleto" } })], queue);
    const boletos = Array.from({ length: KEYS }, (_, k) => `${uniqueId("boleto")}-${k}`);
    for (let status = 1; status <= STATUSES; status++) {
      for (const boleto of boletos) {
        expect((await notify({ id: `${boleto}-s${status}`, type: "acme.boleto.status", boleto, status }, bound)).status).toBe(202);
      }
    }

    const random = seeded(7);
    let rounds = 0;
    while (Number.isFinite(nextDue()) && rounds < 500) {
      clock = Math.max(clock, nextDue());
      // Queues keep no order: each round's due messages go in a shuffled order, several batches at once.
      await consume(shuffled(due(clock), random), bound, clock, 4);
      rounds += 1;
    }
    expect(Number.isFinite(nextDue())).toBe(false);

    const received = await arrivals(bucket);
    const failedFirst = received.filter((a) => a.status === 503).length;
    expect(failedFirst).toBeGreaterThan(20);
    const delivered = received.filter((a) => a.status === 200);
    expect(delivered).toHaveLength(KEYS * STATUSES);
    for (const boleto of boletos) {
      const mine = delivered.filter((a) => JSON.parse(a.body).data.boleto === boleto);
      expect(mine.map((a) => JSON.parse(a.body).data.status)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(mine.map((a) => Number(a.headers["hookgate-sequence"]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // One at a time: a status is attempted only after the one before it was delivered.
      const attempts = received.filter((a) => JSON.parse(a.body).data.boleto === boleto).map((a) => JSON.parse(a.body).data.status);
      expect(attempts).toEqual([...attempts].sort((x, y) => x - y));
    }
  }, 120_000);

  it("delivers an envelope without a value at the key unordered, without a sequence header", async () => {
    let clock = Date.now();
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("unkeyed");
    const bound = governedBindings([recorderRoute("ledger", bucket, { ordered: { key: "data.boleto" } })], queue);
    expect((await notify({ id: uniqueId("n"), type: "acme.boleto.status", status: 1 }, bound)).status).toBe(202);
    while (Number.isFinite(nextDue())) {
      clock = Math.max(clock, nextDue());
      await consume(due(clock), bound, clock);
    }
    const received = await arrivals(bucket);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers["hookgate-sequence"]).toBeUndefined();
  });
});
