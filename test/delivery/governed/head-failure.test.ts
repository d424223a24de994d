import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { arrivals, consume, control, governedBindings, recorderRoute, timedQueue } from "./helpers";

async function drainAll(due: (now: number) => unknown[], nextDue: () => number, bound: Parameters<typeof consume>[1], clock: { now: number }) {
  while (Number.isFinite(nextDue())) {
    clock.now = Math.max(clock.now, nextDue());
    await consume(due(clock.now).reverse(), bound, clock.now);
  }
}

describe("an ordered route's failing head", () => {
  it('with "onHeadFailure": "deadletter", becomes a dead letter and the next goes; replayed, it gets a new number after the rest', async () => {
    const clock = { now: Date.now() };
    const { queue, due, nextDue } = timedQueue(() => clock.now);
    const bucket = uniqueId("heads");
    // Every first attempt fails; a second attempt of the same envelope succeeds.
    await control(bucket, { failFirst: 1, seed: 1 });
    const bound = governedBindings([recorderRoute("ledger", bucket, { ordered: { key: "data.boleto", onHeadFailure: "deadletter" } })], queue);
    const boleto = uniqueId("boleto");
    for (let status = 1; status <= 3; status++) {
      expect((await notify({ id: `${boleto}-${status}`, type: "acme.boleto.status", boleto, status }, bound)).status).toBe(202);
    }
    await drainAll(due, nextDue, bound, clock);

    const failed = await arrivals(bucket);
    expect(failed.map((a) => [JSON.parse(a.body).data.status, a.headers["hookgate-sequence"], a.status])).toEqual([
      [1, "1", 503],
      [2, "2", 503],
      [3, "3", 503],
    ]);
    const dead = await admin<{ deadLetters: { id: string; reason: string; envelopeId: string }[] }>("/admin/dead-letters?route=ledger", bound);
    const mine = dead.body.deadLetters.filter((d) => d.envelopeId.startsWith(`acme:${boleto}`));
    expect(mine.map((d) => d.reason)).toEqual(["order_head_failed", "order_head_failed", "order_head_failed"]);

    const first = mine.find((d) => d.envelopeId === `acme:${boleto}-1`)!;
    expect((await admin(`/admin/dead-letters/${first.id}/replay`, bound, { method: "POST", body: "{}" })).status).toBe(202);
    await drainAll(due, nextDue, bound, clock);
    const replayed = (await arrivals(bucket)).at(-1)!;
    expect([JSON.parse(replayed.body).data.status, replayed.headers["hookgate-sequence"], replayed.status]).toEqual([1, "4", 200]);
  });
});
