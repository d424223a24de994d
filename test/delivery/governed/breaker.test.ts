import { describe, expect, it } from "vitest";
import type { DeliveryMessage } from "../../../src/delivery/message";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { adminPost, arrivals, bucketUrl, consume, control, governedBindings, recorderRoute, timedQueue } from "./helpers";

describe("the circuit breaker", () => {
  it("opens after `failures` failed attempts on a route answering 503 from the start, then sends one probe per probeSeconds, and closes on the first success", async () => {
    const start = Date.now();
    let clock = start;
    const { queue, due, nextDue, pending } = timedQueue(() => clock);
    const bucket = uniqueId("down");
    const opsBucket = uniqueId("ops");
    await control(bucket, { status: 503 });
    const routes = [recorderRoute("down", bucket), { id: "ops", events: ["hookgate.route.*"], url: bucketUrl(opsBucket), breaker: false }];
    const bound = governedBindings(routes, queue, { delivery: { maxAttempts: 50 } });
    const ids = Array.from({ length: 30 }, () => uniqueId("pix"));
    for (const id of ids) expect((await notify({ id, type: "acme.pix.paid" }, bound)).status).toBe(202);

    // Five minutes of the test's clock, one batch at a time; the default breaker is {failures: 5, probeSeconds: 10, windowSeconds: 60}.
    const seen: { at: number; total: number }[] = [];
    const opsMessages: DeliveryMessage[] = [];
    while (nextDue() <= start + 300_000) {
      clock = Math.max(clock, nextDue());
      const bodies = due(clock);
      opsMessages.push(...bodies.filter((b) => b.routeId === "ops"));
      await consume(
        bodies.filter((b) => b.routeId === "down"),
        bound,
        clock,
      );
      seen.push({ at: clock, total: (await arrivals(bucket)).length });
    }
    const total = (await arrivals(bucket)).length;
    const openedAt = seen.find((s) => s.total >= 5)!.at;
    expect(seen.find((s) => s.total >= 5)!.total).toBe(5);
    // After it opened, only probes: at most one per 10 s (the same envelope each time: a failed probe is the next probe).
    const probes = total - 5;
    expect(probes).toBeGreaterThanOrEqual(Math.floor((start + 300_000 - openedAt) / 10_000) - 2);
    expect(probes).toBeLessThanOrEqual(Math.floor((start + 300_000 - openedAt) / 10_000) + 1);
    for (let i = 1; i < seen.length; i++) {
      if (seen[i]!.at <= openedAt) continue;
      const within = seen.filter((s) => s.at > seen[i]!.at - 10_000 && s.at <= seen[i]!.at);
      const before = seen.filter((s) => s.at <= seen[i]!.at - 10_000).at(-1)?.total ?? 5;
      expect(seen[i]!.total - Math.max(before, 5)).toBeLessThanOrEqual(within.length > 0 ? 1 : 0);
    }
    const state = await admin<{ state: string; by: string; reason: string; parked: number }>("/admin/routes/down", bound);
    expect(state.body).toMatchObject({ state: "open", by: "breaker", reason: "5 failed attempts and no success for 60 s" });
    // Everything not being tried waits parked in the governor, not in the queue.
    expect(state.body.parked).toBeGreaterThanOrEqual(24);
    expect(pending.filter((p) => p.body.routeId === "down" && "envelope" in p.body).length).toBeLessThanOrEqual(6);
    const stateEvents = (b: DeliveryMessage) => b.routeId === "ops" && /^hookgate\.route\.(paused|resumed)$/.test(b.envelope?.type ?? "");
    const paused = [...opsMessages, ...pending.map((p) => p.body)].filter(stateEvents);
    expect(paused.map((b) => b.envelope?.type)).toEqual(["hookgate.route.paused"]);
    expect(paused[0]!.envelope?.data).toMatchObject({ routeId: "down", by: "breaker" });

    // The target comes back: the next probe closes the breaker and the rest follow.
    await control(bucket, { status: 200 });
    for (const b of opsMessages) await queue.send(b);
    while (Number.isFinite(nextDue())) {
      clock = Math.max(clock, nextDue());
      await consume(due(clock), bound, clock);
    }
    expect((await admin<{ state: string }>("/admin/routes/down", bound)).body.state).toBe("active");
    const delivered = (await arrivals(bucket)).filter((a) => a.status === 200).map((a) => JSON.parse(a.body).id);
    expect(new Set(delivered).size).toBe(30);
    const ops = (await arrivals(opsBucket)).map((a) => JSON.parse(a.body).type).filter((type: string) => type !== "hookgate.route.failing");
    expect(ops).toEqual(["hookgate.route.paused", "hookgate.route.resumed"]);
  }, 60_000);

  it("lets a quiet route's whole first batch go once one of its first attempts succeeds, and holds it when none does", async () => {
    const clock = Date.now();
    const { queue, due, pending } = timedQueue(() => clock);
    const up = uniqueId("up");
    const down = uniqueId("down");
    await control(down, { status: 503 });
    // Routes of their own: a governor remembers its route's last success across tests.
    const bound = governedBindings([recorderRoute(up, up), recorderRoute(down, down)], queue);
    for (let i = 0; i < 10; i++) expect((await notify({ id: uniqueId("pix"), type: "acme.pix.paid" }, bound)).status).toBe(202);
    const bodies = due(clock);
    const of = (route: string) => bodies.filter((b) => b.routeId === route);
    expect(of(up)).toHaveLength(10);

    // One batch of ten each, the default breaker, nothing known of either target: each may try
    // five (the breaker's threshold) before it is known to answer.
    await consume(of(up), bound, clock);
    // The answering target: its first five succeeded, so the other five went in the same batch.
    expect((await arrivals(up)).filter((a) => a.status === 200)).toHaveLength(10);
    expect(pending.filter((p) => p.body.routeId === up)).toHaveLength(0);

    await consume(of(down), bound, clock);
    // The one that does not answer: five attempts, the rest held a second, by when the breaker knows.
    expect(await arrivals(down)).toHaveLength(5);
    const queued = pending.filter((p) => p.body.routeId === down);
    const held = queued.filter((p) => p.body.attempts.length === 0);
    expect(held).toHaveLength(5);
    expect(held.every((p) => p.dueAt - clock <= 1000)).toBe(true);
    // The five that failed wait for their retry (5 s, jittered), later than the held ones.
    const retrying = queued.filter((p) => p.body.attempts.length === 1);
    expect(retrying).toHaveLength(5);
    expect(retrying.every((p) => p.dueAt - clock > 1000)).toBe(true);
  }, 60_000);

  it("never tells a route about its own breaker, and tells the others about an operator's pause and resume", async () => {
    const clock = Date.now();
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("self");
    const watcher = uniqueId("watcher");
    await control(bucket, { status: 503 });
    const routes = [
      { id: "self", events: ["acme.*", "hookgate.route.*"], url: bucketUrl(bucket), breaker: { failures: 3, probeSeconds: 30 } },
      { id: "watcher", events: ["hookgate.route.*"], url: bucketUrl(watcher), breaker: false },
    ];
    const bound = governedBindings(routes, queue, { delivery: { maxAttempts: 50 } });
    for (let i = 0; i < 3; i++) expect((await notify({ id: uniqueId("n"), type: "acme.paid" }, bound)).status).toBe(202);
    const seen: DeliveryMessage[] = [];
    while (nextDue() <= clock + 1) {
      const bodies = due(clock);
      seen.push(...bodies);
      await consume(
        bodies.filter((b) => b.routeId === "self"),
        bound,
        clock,
      );
    }
    seen.push(...due(Number.POSITIVE_INFINITY));
    expect((await admin<{ state: string }>("/admin/routes/self", bound)).body.state).toBe("open");
    const about = (routeId: string) => seen.filter((b) => b.routeId === routeId && b.envelope?.type === "hookgate.route.paused");
    expect(about("self")).toEqual([]);
    expect(about("watcher")).toHaveLength(1);

    expect(await adminPost("/admin/routes/watcher/pause", bound)).toBe(204);
    expect(await adminPost("/admin/routes/watcher/resume", bound)).toBe(204);
    const operator = due(Number.POSITIVE_INFINITY).filter((b) => b.routeId === "self" && b.envelope?.subject === "watcher");
    expect(operator.map((b) => [b.envelope?.type, (b.envelope?.data as { by?: string } | undefined)?.by])).toEqual([
      ["hookgate.route.paused", "operator"],
      ["hookgate.route.resumed", "operator"],
    ]);
  });
});
