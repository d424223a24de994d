import { describe, expect, it } from "vitest";
import { decide, GAP_MS, SLOT_HORIZON_MS } from "../../../src/delivery/governor/decide";
import { pauseRoute, resumeRoute, settle } from "../../../src/delivery/governor/settle";
import { type Ask, FRESH_ROUTE, type KeyState, type RouteState, type Settings } from "../../../src/delivery/governor/state";

const NOW = Date.parse("2026-05-01T12:00:00Z");
const BREAKER: Settings = { breaker: { failures: 10, probeSeconds: 30, windowSeconds: 60 } };

function asks(n: number, prefix = "m"): Ask[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}` }));
}

function run(state: Partial<RouteState>, settings: Settings, list: Ask[], now = NOW, keys = new Map<string, KeyState>(), leases = 0) {
  return decide({ state: { ...FRESH_ROUTE, ...state }, keys, leases, skippedBefore: new Set(), settings, asks: list, now });
}

const key = (name: string, last: number, done: number, headDue = NOW): [string, KeyState] => [name, { key: name, last, done, headDue }];

describe("decide: pause and the breaker", () => {
  it("parks everything while paused, however long the pause (no message comes back through the queue)", () => {
    const paused = pauseRoute(FRESH_ROUTE, NOW, "maintenance").state;
    expect(run(paused, BREAKER, asks(3), NOW + 1000).verdicts).toEqual(Array(3).fill({ kind: "park", why: "paused" }));
    expect(run(paused, BREAKER, asks(1), NOW + 3_600_000).verdicts[0]).toEqual({ kind: "park", why: "paused" });
  });

  it("while open, lets one probe through once probeSeconds have passed and parks the rest", () => {
    const open = { mode: "open" as const, since: NOW, probeAt: NOW + 30_000, failures: 10 };
    expect(run(open, BREAKER, asks(2), NOW + 10_000).verdicts).toEqual([
      { kind: "park", why: "open" },
      { kind: "park", why: "open" },
    ]);
    const due = run(open, BREAKER, asks(3), NOW + 30_000);
    expect(due.verdicts.map((v) => v.kind)).toEqual(["attempt", "park", "park"]);
    expect(due.verdicts[0]).toMatchObject({ probe: true });
    expect(due.state.probeAt).toBe(NOW + 60_000);
  });

  it("makes the envelope whose probe failed the next probe, unless it is a whole interval late", () => {
    const open = { mode: "open" as const, since: NOW, probeAt: NOW + 30_000, failures: 10, probeFor: "acme:a" };
    const others = [
      { id: "m0", envelopeId: "acme:b" },
      { id: "m1", envelopeId: "acme:a" },
    ];
    expect(run(open, BREAKER, others, NOW + 30_000).verdicts.map((v) => v.kind)).toEqual(["park", "attempt"]);
    expect(run(open, BREAKER, others.slice(0, 1), NOW + 30_000).verdicts.map((v) => v.kind)).toEqual(["park"]);
    expect(run(open, BREAKER, others.slice(0, 1), NOW + 60_000).verdicts.map((v) => v.kind)).toEqual(["attempt"]);
  });

  it("tells flaky from down: failures after a recent success do not open it; the same failures with none in the window do", () => {
    const failures = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, probe: false, outcome: "failure" as const, fate: "retrying" as const }));
    const recent = settle({ state: { ...FRESH_ROUTE, lastSuccess: NOW - 59_000 }, keys: new Map(), settings: BREAKER, results: failures, now: NOW });
    expect(recent.state).toMatchObject({ mode: "active", failures: 30 });
    const stale = settle({
      state: { ...FRESH_ROUTE, lastSuccess: NOW - 61_000 },
      keys: new Map(),
      settings: BREAKER,
      results: failures.slice(0, 10),
      now: NOW,
    });
    expect(stale.state.mode).toBe("open");
    // The breaker's cap on a batch applies only once no success is in the window.
    expect(run({ failures: 7, lastSuccess: NOW - 1000 }, BREAKER, asks(10)).verdicts.filter((v) => v.kind === "attempt")).toHaveLength(10);
  });

  it("grants no more attempts than would reach the threshold once failures have begun", () => {
    const decided = run({ failures: 7 }, BREAKER, asks(10));
    expect(decided.verdicts.filter((v) => v.kind === "attempt")).toHaveLength(3);
  });

  it("opens after `failures` retryable failures in a row, ignores 4xx, and closes on a probe's success", () => {
    const failures = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}`, probe: false, outcome: "failure" as const, fate: "retrying" as const }));
    const nine = settle({ state: FRESH_ROUTE, keys: new Map(), settings: BREAKER, results: failures.slice(0, 9), now: NOW });
    expect(nine.state.mode).toBe("active");
    const rejected = settle({
      state: nine.state,
      keys: new Map(),
      settings: BREAKER,
      results: [{ id: "x", probe: false, outcome: "neutral", fate: "finished" }],
      now: NOW,
    });
    expect(rejected.state.failures).toBe(9);
    const opened = settle({ state: rejected.state, keys: new Map(), settings: BREAKER, results: failures.slice(9), now: NOW });
    expect(opened.state).toMatchObject({ mode: "open", by: "breaker", probeAt: NOW + 30_000 });
    expect(opened.changes).toEqual([{ kind: "paused", by: "breaker", reason: "10 failed attempts and no success for 60 s", since: NOW }]);
    const closed = settle({
      state: opened.state,
      keys: new Map(),
      settings: BREAKER,
      results: [{ id: "p", probe: true, outcome: "success", fate: "finished" }],
      now: NOW + 30_000,
    });
    expect(closed.state).toMatchObject({ mode: "active", failures: 0 });
    expect(closed.changes.map((c) => c.kind)).toEqual(["resumed"]);
  });

  it("never opens with the breaker off, and an open route with the breaker turned off is active again", () => {
    const failures = Array.from({ length: 50 }, (_, i) => ({ id: `m${i}`, probe: false, outcome: "failure" as const, fate: "retrying" as const }));
    expect(settle({ state: FRESH_ROUTE, keys: new Map(), settings: { breaker: false }, results: failures, now: NOW }).state.mode).toBe("active");
    expect(run({ mode: "open", probeAt: NOW + 30_000 }, { breaker: false }, asks(2)).verdicts.map((v) => v.kind)).toEqual(["attempt", "attempt"]);
  });

  it("resumes an operator's pause and an open breaker alike, starting the count over", () => {
    expect(resumeRoute({ ...FRESH_ROUTE, mode: "open", failures: 12 }, NOW).state).toMatchObject({ mode: "active", failures: 0, by: "operator" });
    expect(resumeRoute(FRESH_ROUTE, NOW).change).toBeUndefined();
    expect(pauseRoute({ ...FRESH_ROUTE, mode: "paused" }, NOW, "again").change).toBeUndefined();
  });
});

describe("decide: the rate limit", () => {
  it("gives slots 1/perSecond apart within the horizon, and holds the rest spread out at the rate", () => {
    // A success in the breaker's window: its cap on a batch does not apply.
    const decided = run({ lastSuccess: NOW }, { ...BREAKER, rateLimit: { perSecond: 5 } }, asks(15));
    const granted = decided.verdicts.flatMap((v) => (v.kind === "attempt" ? [v.at - NOW] : []));
    expect(granted).toEqual([0, 210, 420, 630, 840, 1050, 1260, 1470, 1680, 1890]);
    expect(granted.at(-1)).toBeLessThanOrEqual(SLOT_HORIZON_MS);
    const held = decided.verdicts.flatMap((v) => (v.kind === "hold" ? [v.delaySeconds] : []));
    expect(held).toEqual([3, 3, 3, 3, 4]);
    // The next batch, a moment later, starts after the slots already given.
    const next = run(decided.state, { ...BREAKER, rateLimit: { perSecond: 5 } }, asks(1, "n"), NOW + 50);
    expect(next.verdicts[0]).toMatchObject({ kind: "hold", why: "rate" });
  });

  it("holds attempts past the concurrency's leases", () => {
    const decided = run({}, { ...BREAKER, rateLimit: { perSecond: 100, concurrency: 2 } }, asks(4), NOW, new Map(), 1);
    expect(decided.verdicts.map((v) => v.kind)).toEqual(["attempt", "hold", "hold", "hold"]);
    expect(decided.leased).toEqual(["m0"]);
  });
});

describe("decide: ordered keys", () => {
  const ORDERED: Settings = { ...BREAKER, ordered: { key: "subject", shards: 8, onHeadFailure: "block" } };
  const seq = (id: string, k: string, n: number): Ask => ({ id, sequence: { key: k, n } });

  it("attempts the head and the run right after it in this batch, each after the one before; holds what comes later", () => {
    const keys = new Map([key("b1", 5, 1)]);
    const decided = run({}, ORDERED, [seq("m4", "b1", 4), seq("m2", "b1", 2), seq("m3", "b1", 3), seq("m5", "b1", 5), seq("x", "b2", 1)], NOW, keys);
    expect(decided.verdicts).toEqual([
      { kind: "attempt", at: NOW, probe: false, after: "m3" },
      { kind: "attempt", at: NOW, probe: false },
      { kind: "attempt", at: NOW, probe: false, after: "m2" },
      { kind: "attempt", at: NOW, probe: false, after: "m4" },
      { kind: "attempt", at: NOW, probe: false },
    ]);
    // Alone, a later number is parked behind its key's head (settle lets it out when the head is done).
    const later = run({}, ORDERED, [seq("m4", "b1", 4)], NOW, keys);
    expect(later.verdicts[0]).toEqual({ kind: "park", why: "order" });
  });

  it("attempts one copy of a head delivered twice in a batch, and acks a number already finished", () => {
    const keys = new Map([key("b1", 3, 1)]);
    expect(run({}, ORDERED, [seq("m2", "b1", 2), seq("m2-copy", "b1", 2), seq("m1", "b1", 1)], NOW, keys).verdicts).toEqual([
      { kind: "attempt", at: NOW, probe: false },
      { kind: "hold", why: "order", delaySeconds: 1 },
      { kind: "skip" },
    ]);
  });

  it("gives up a head that never came after GAP_MS, so its key moves on, and buries it if it comes later", () => {
    const keys = new Map([key("b1", 3, 0, NOW)]);
    expect(run({}, ORDERED, [seq("m2", "b1", 2)], NOW + GAP_MS - 1, keys).verdicts[0]).toMatchObject({ kind: "park" });
    const late = run({}, ORDERED, [seq("m2", "b1", 2)], NOW + GAP_MS + 1, keys);
    expect(late.skipped).toEqual([{ key: "b1", n: 1 }]);
    expect(late.verdicts[0]).toMatchObject({ kind: "attempt" });
    const missing = decide({
      state: FRESH_ROUTE,
      keys: late.keys,
      leases: 0,
      skippedBefore: new Set(["b1\u00001"]),
      settings: ORDERED,
      asks: [seq("m1", "b1", 1)],
      now: NOW + GAP_MS + 2,
    });
    expect(missing.verdicts[0]).toEqual({ kind: "bury", reason: "sequence_skipped" });
  });

  it("moves a key on when its head finished, and waits for a retrying head's next try", () => {
    const keys = new Map([key("b1", 3, 0)]);
    const retrying = settle({
      state: FRESH_ROUTE,
      keys,
      settings: ORDERED,
      results: [{ id: "m1", sequence: { key: "b1", n: 1 }, probe: false, outcome: "failure", fate: "retrying", retryDelaySeconds: 40 }],
      now: NOW,
    });
    expect(retrying.keys.get("b1")).toMatchObject({ done: 0, headDue: NOW + 40_000 });
    expect(retrying.changes).toEqual([{ kind: "head_failing", key: "b1", n: 1, waiting: 2 }]);
    const finished = settle({
      state: FRESH_ROUTE,
      keys,
      settings: ORDERED,
      results: [
        { id: "m2", sequence: { key: "b1", n: 2 }, probe: false, outcome: "success", fate: "finished" },
        { id: "m1", sequence: { key: "b1", n: 1 }, probe: false, outcome: "success", fate: "finished" },
      ],
      now: NOW,
    });
    expect(finished.keys.get("b1")).toMatchObject({ done: 2 });
  });
});
