import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { adminPost, arrivals, consume, governedBindings, recorderRoute, timedQueue } from "./helpers";

interface Detail {
  deliveries: { routeId: string; state: string; attempts: { at: string; status?: number }[] }[];
}

describe("pause and resume", () => {
  it("delivers nothing to a route paused for 60 s, then everything exactly once, no attempt used during the pause", async () => {
    const start = Date.now();
    let clock = start;
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("paused");
    const bound = governedBindings([recorderRoute("held", bucket)], queue);

    expect(await adminPost("/admin/routes/held/pause", bound)).toBe(204);
    const paused = await admin<{ state: string; by: string; since: string }>("/admin/routes/held", bound);
    expect(paused.body).toMatchObject({ state: "paused", by: "operator" });

    const ids = Array.from({ length: 10 }, () => uniqueId("boleto"));
    for (const id of ids) expect((await notify({ id, type: "acme.boleto.paid" }, bound)).status).toBe(202);

    // 60 s of the test's clock: each message comes back (5 s apart at first), is held again, never attempted.
    let rounds = 0;
    while (nextDue() <= start + 60_000) {
      clock = Math.max(clock, nextDue());
      await consume(due(clock), bound, clock);
      rounds += 1;
    }
    expect(rounds).toBeGreaterThan(5);
    expect(await arrivals(bucket)).toEqual([]);

    clock = start + 60_000;
    const resumedAt = clock;
    expect(await adminPost("/admin/routes/held/resume", bound)).toBe(204);
    expect((await admin<{ state: string }>("/admin/routes/held", bound)).body.state).toBe("active");
    let firstDelivery: number | undefined;
    while (Number.isFinite(nextDue())) {
      clock = Math.max(clock, nextDue());
      await consume(due(clock), bound, clock);
      if (firstDelivery === undefined && (await arrivals(bucket)).length > 0) firstDelivery = clock;
    }

    const received = await arrivals(bucket);
    expect(received.map((a) => JSON.parse(a.body).id).sort()).toEqual(ids.map((id) => `acme:${id}`).sort());
    // Waiting messages come back within seconds of the resume, not at a backoff step.
    expect(firstDelivery! - resumedAt).toBeLessThanOrEqual(10_000);
    for (const id of ids) {
      const detail = (await admin<Detail>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound)).body;
      const attempts = detail.deliveries.find((d) => d.routeId === "held")!.attempts;
      expect(attempts).toHaveLength(1);
      expect(Date.parse(attempts[0]!.at)).toBeGreaterThanOrEqual(resumedAt);
    }
  });

  it("answers 404 for a route that does not exist", async () => {
    const { queue } = timedQueue(Date.now);
    const bound = governedBindings([recorderRoute("held", "x")], queue);
    expect(await adminPost("/admin/routes/nope/pause", bound)).toBe(404);
    expect(await adminPost("/admin/routes/nope/resume", bound)).toBe(404);
  });
});

describe("a message held longer than Queues keeps one", () => {
  it("becomes a dead letter with reason paused_too_long, never dropped", async () => {
    const now = Date.now();
    const { queue, pending } = timedQueue(() => now);
    const bucket = uniqueId("long");
    const bound = governedBindings([recorderRoute("held", bucket)], queue);
    expect(await adminPost("/admin/routes/held/pause", bound)).toBe(204);
    const id = uniqueId("boleto");
    expect((await notify({ id, type: "acme.boleto.paid" }, bound)).status).toBe(202);
    const [message] = pending.splice(0, 1);
    const fifteenDaysAgo = new Date(now - 15 * 86_400_000).toISOString();
    await consume([{ ...message!.body, heldSince: fifteenDaysAgo }], bound, now);
    expect(pending).toEqual([]);
    const dead = await admin<{ deadLetters: { reason: string; envelopeId: string }[] }>("/admin/dead-letters?route=held", bound);
    expect(dead.body.deadLetters.find((d) => d.envelopeId === `acme:${id}`)?.reason).toBe("paused_too_long");
    // One held for less is held again, keeping when it was first held.
    expect((await notify({ id: uniqueId("boleto"), type: "acme.boleto.paid" }, bound)).status).toBe(202);
    const [recent] = pending.splice(0, 1);
    const tenDaysAgo = new Date(now - 10 * 86_400_000).toISOString();
    await consume([{ ...recent!.body, heldSince: tenDaysAgo }], bound, now);
    expect(pending.map((p) => p.body.heldSince)).toEqual([tenDaysAgo]);
  });
});
