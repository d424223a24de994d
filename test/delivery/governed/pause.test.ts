import { describe, expect, it } from "vitest";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { adminPost, arrivals, bucketUrl, consume, governedBindings, recorderRoute, timedQueue } from "./helpers";

interface Detail {
  deliveries: { routeId: string; state: string; attempts: { at: string; status?: number }[]; waiting?: { reason: string; since: string; next?: string } }[];
}

/** Runs the consumer over whatever is due, on the test's clock, until nothing is left. */
async function drainAll(timed: ReturnType<typeof timedQueue>, bound: Parameters<typeof consume>[1], clock: { now: number }, parallel = 1) {
  while (Number.isFinite(timed.nextDue())) {
    clock.now = Math.max(clock.now, timed.nextDue());
    await consume(timed.due(clock.now), bound, clock.now, parallel);
  }
}

describe("pause and resume", () => {
  it("parks what comes for a paused route: no queue traffic while it waits, then everything exactly once, soon after the resume", async () => {
    const clock = { now: Date.now() };
    const start = clock.now;
    const timed = timedQueue(() => clock.now);
    const bucket = uniqueId("paused");
    const bound = governedBindings([recorderRoute("held", bucket)], timed.queue);

    expect(await adminPost("/admin/routes/held/pause", bound)).toBe(204);
    const paused = await admin<{ state: string; by: string; since: string }>("/admin/routes/held", bound);
    expect(paused.body).toMatchObject({ state: "paused", by: "operator" });

    const ids = Array.from({ length: 10 }, () => uniqueId("boleto"));
    for (const id of ids) expect((await notify({ id, type: "acme.boleto.paid" }, bound)).status).toBe(202);
    await consume(timed.due(clock.now), bound, clock.now);
    // Parked: nothing was sent again, nothing is waiting in the queue, the route says how many wait.
    expect(timed.pending).toEqual([]);
    expect((await admin<{ parked: number }>("/admin/routes/held", bound)).body.parked).toBe(10);
    const waiting = (await admin<Detail>(`/admin/events/${encodeURIComponent(`acme:${ids[0]}`)}`, bound)).body;
    expect(waiting.deliveries.find((d) => d.routeId === "held")?.waiting).toMatchObject({ reason: "paused", since: new Date(start).toISOString() });
    expect(await arrivals(bucket)).toEqual([]);

    clock.now = start + 60_000;
    const resumedAt = clock.now;
    expect(await adminPost("/admin/routes/held/resume", bound)).toBe(204);
    expect((await admin<{ state: string }>("/admin/routes/held", bound)).body.state).toBe("active");
    // The resume sends one release message; it lets the ten out at once.
    expect(timed.pending.map((p) => p.body)).toEqual([{ v: 1, kind: "release", routeId: "held" }]);
    await drainAll(timed, bound, clock);

    const received = await arrivals(bucket);
    expect(received.map((a) => JSON.parse(a.body).id).sort()).toEqual(ids.map((id) => `acme:${id}`).sort());
    expect(clock.now - resumedAt).toBeLessThanOrEqual(5_000);
    expect((await admin<{ parked: number }>("/admin/routes/held", bound)).body.parked).toBe(0);
    for (const id of ids) {
      const detail = (await admin<Detail>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound)).body;
      const attempts = detail.deliveries.find((d) => d.routeId === "held")!.attempts;
      expect(attempts).toHaveLength(1);
      expect(Date.parse(attempts[0]!.at)).toBeGreaterThanOrEqual(resumedAt);
    }
  }, 60_000);

  it("answers 404 for a route that does not exist", async () => {
    const { queue } = timedQueue(Date.now);
    const bound = governedBindings([recorderRoute("held", "x")], queue);
    expect(await adminPost("/admin/routes/nope/pause", bound)).toBe(404);
    expect(await adminPost("/admin/routes/nope/resume", bound)).toBe(404);
  });
});

describe("a route paused for 10 minutes with 2,000 messages on 40 keys", () => {
  it("sees no queue traffic for them while paused, then gets all of them exactly once, in acceptance order within each key", async () => {
    const clock = { now: Date.now() };
    const timed = timedQueue(() => clock.now);
    let sends = 0;
    const counting = {
      send: async (...args: Parameters<typeof timed.queue.send>) => {
        sends += 1;
        await timed.queue.send(...args);
      },
      sendBatch: async (...args: Parameters<typeof timed.queue.sendBatch>) => {
        sends += [...args[0]].length;
        await timed.queue.sendBatch(...args);
      },
    };
    const bucket = uniqueId("paused-2000");
    const bound = governedBindings([recorderRoute("big", bucket, { ordered: { key: "data.boleto" } })], counting);
    expect(await adminPost("/admin/routes/big/pause", bound)).toBe(204);
    const boletos = Array.from({ length: 40 }, (_, k) => `${uniqueId("boleto")}-${k}`);
    // Each key's 50 statuses one after another (their acceptance order), the keys side by side.
    await Promise.all(
      boletos.map(async (boleto) => {
        for (let status = 1; status <= 50; status++) {
          expect((await notify({ id: `${boleto}-s${status}`, type: "acme.boleto.status", boleto, status }, bound)).status).toBe(202);
        }
      }),
    );
    expect(sends).toBe(2_000);
    sends = 0;
    const start = clock.now;
    // Ten minutes of the test's clock: the 2,000 are consumed once and parked; nothing comes back.
    await consume(timed.due(clock.now), bound, clock.now, 4);
    clock.now = start + 600_000;
    await consume(timed.due(clock.now), bound, clock.now);
    expect(sends).toBe(0);
    expect(timed.pending).toEqual([]);
    expect((await admin<{ parked: number }>("/admin/routes/big", bound)).body.parked).toBe(2_000);
    expect(await arrivals(bucket)).toEqual([]);

    expect(await adminPost("/admin/routes/big/resume", bound)).toBe(204);
    await drainAll(timed, bound, clock, 4);
    const received = (await arrivals(bucket)).filter((a) => a.status === 200);
    expect(received).toHaveLength(2_000);
    expect(new Set(received.map((a) => JSON.parse(a.body).id)).size).toBe(2_000);
    for (const boleto of boletos) {
      const mine = received.filter((a) => JSON.parse(a.body).data.boleto === boleto).map((a) => JSON.parse(a.body).data.status);
      expect(mine).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    }
    // Each parked message cost one enqueue to let it out; besides, a release message per second's worth, and the
    // breaker's first batches (no success known yet: `failures` tried at a time, the rest sent again a second later).
    expect(sends).toBeLessThanOrEqual(2_000 + 50);
  }, 300_000);
});

describe("a message held longer than Queues keeps one", () => {
  it("becomes a dead letter with reason paused_too_long, never dropped, whether it arrives that old or waits that long parked", async () => {
    const clock = { now: Date.now() };
    const now = clock.now;
    const timed = timedQueue(() => clock.now);
    const bucket = uniqueId("long");
    const bound = governedBindings([recorderRoute("held", bucket)], timed.queue);
    expect(await adminPost("/admin/routes/held/pause", bound)).toBe(204);
    const id = uniqueId("boleto");
    expect((await notify({ id, type: "acme.boleto.paid" }, bound)).status).toBe(202);
    const [message] = timed.pending.splice(0, 1);
    const fifteenDaysAgo = new Date(now - 15 * 86_400_000).toISOString();
    await consume([{ ...message!.body, heldSince: fifteenDaysAgo }], bound, now);
    expect(timed.pending).toEqual([]);
    const dead = await admin<{ deadLetters: { reason: string; envelopeId: string }[] }>("/admin/dead-letters?route=held", bound);
    expect(dead.body.deadLetters.find((d) => d.envelopeId === `acme:${id}`)?.reason).toBe("paused_too_long");

    // One parked now and still paused 15 days later: the day's release message finds it too old.
    const later = uniqueId("boleto");
    expect((await notify({ id: later, type: "acme.boleto.paid" }, bound)).status).toBe(202);
    await consume(timed.due(clock.now), bound, clock.now);
    expect((await admin<{ parked: number }>("/admin/routes/held", bound)).body.parked).toBe(1);
    await consume([{ v: 1, kind: "release", routeId: "held" }], bound, now + 15 * 86_400_000);
    const after = await admin<{ deadLetters: { reason: string; envelopeId: string }[] }>("/admin/dead-letters?route=held", bound);
    expect(after.body.deadLetters.find((d) => d.envelopeId === `acme:${later}`)?.reason).toBe("paused_too_long");
    expect((await admin<{ parked: number }>("/admin/routes/held", bound)).body.parked).toBe(0);
    expect(await arrivals(bucket)).toEqual([]);
  }, 60_000);
});

describe("a route table that cannot be read once", () => {
  it("holds the message of a paused added route, as for an unreachable governor: zero requests at the target", async () => {
    const clock = { now: Date.now() };
    const timed = timedQueue(() => clock.now);
    const bucket = uniqueId("unread");
    const bound = governedBindings([], timed.queue);
    const added = await admin<{ id: string }>("/admin/routes", bound, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: bucketUrl(bucket), event: "acme.*", auth: { type: "none" } }),
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const routeId = added.body.id;
    expect(await adminPost(`/admin/routes/${routeId}/pause`, bound)).toBe(204);
    expect((await notify({ id: uniqueId("boleto"), type: "acme.boleto.paid" }, bound)).status).toBe(202);
    const [message] = timed.pending.splice(0, 1);
    expect(message!.body.routeId).toBe(routeId);
    // The governor's read of the route table fails once; the consumer's own read would succeed.
    let failures = 1;
    const state = bound.STATE;
    const flaky = new Proxy(state, {
      get(target, name) {
        if (name === "get")
          return (key: string, ...rest: unknown[]) => {
            if (key === "routes" && failures-- > 0) return Promise.reject(new Error("KV unavailable"));
            return (target.get as (...a: unknown[]) => unknown).call(target, key, ...rest);
          };
        const value = Reflect.get(target, name);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await consume([message!.body], { ...bound, STATE: flaky }, clock.now);
    expect(await arrivals(bucket)).toEqual([]);
    expect(timed.pending.map((p) => p.body.routeId)).toEqual([routeId]);
  });
});
