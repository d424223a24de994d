import { unanswered } from "./decide";
import type { Change, KeyState, Result, RouteState, Settings } from "./state";

/** A head whose report never came is expected again this late. */
const UNKNOWN_FATE_MS = 60_000;

export interface Settlement {
  state: RouteState;
  keys: Map<string, KeyState>;
  changes: Change[];
}

/**
 * What one batch's attempts do to the route: the breaker counts retryable failures since the
 * last success and opens only when there are `failures` of them and no success for its window
 * (a target that still delivers some is flaky, not down); a success closes it when open. Each
 * finished head lets its key move on.
 * Results are taken in sequence order per key, so a run attempted in one batch advances whole.
 */
export function settle(input: { state: RouteState; keys: Map<string, KeyState>; settings: Settings; results: Result[]; now: number }): Settlement {
  const { settings, now } = input;
  const state = { ...input.state };
  const keys = new Map([...input.keys].map(([k, v]) => [k, { ...v }]));
  const changes: Change[] = [];
  const breaker = settings.breaker;
  for (const result of input.results) {
    if (!breaker || result.outcome === "neutral") continue;
    if (result.outcome === "success") {
      state.failures = 0;
      state.lastSuccess = now;
      state.probeFor = undefined;
      if (state.mode === "open") {
        Object.assign(state, { mode: "active", since: now, by: "breaker", reason: "a probe delivery succeeded", wakeAt: 0 });
        changes.push({ kind: "resumed", by: "breaker", reason: state.reason, since: now });
      }
      continue;
    }
    state.failures += 1;
    // A probe that failed is the next probe: the same envelope, one step nearer to getting through.
    if (result.probe && state.mode === "open" && result.envelopeId !== undefined) state.probeFor = result.envelopeId;
    if (state.mode === "active" && state.failures >= breaker.failures && unanswered(state, breaker, now)) {
      Object.assign(state, {
        mode: "open",
        since: now,
        by: "breaker",
        reason: `${state.failures} failed attempts and no success for ${breaker.windowSeconds ?? 60} s`,
        probeAt: now + breaker.probeSeconds * 1000,
        probeFor: undefined,
      });
      changes.push({ kind: "paused", by: "breaker", reason: state.reason, since: now });
    }
  }
  const ordered = input.results.filter((r) => r.sequence).sort((a, b) => a.sequence!.n - b.sequence!.n);
  for (const result of ordered) {
    const { key: name, n } = result.sequence!;
    const key = keys.get(name);
    if (!key || n !== key.done + 1) continue;
    if (result.fate === "finished") {
      key.done = n;
      key.headDue = now;
    } else if (result.fate === "retrying") {
      key.headDue = now + (result.retryDelaySeconds ?? 0) * 1000;
      if (key.last > n && settings.ordered?.onHeadFailure !== "deadletter") changes.push({ kind: "head_failing", key: name, n, waiting: key.last - n });
    } else {
      key.headDue = now + UNKNOWN_FATE_MS;
    }
  }
  return { state, keys, changes };
}

/** An operator's pause; pausing a paused route changes nothing. */
export function pauseRoute(state: RouteState, now: number, reason: string): { state: RouteState; change?: Change } {
  if (state.mode === "paused") return { state };
  const next: RouteState = { ...state, mode: "paused", since: now, by: "operator", reason };
  return { state: next, change: { kind: "paused", by: "operator", reason, since: now } };
}

/** An operator's resume: active again, the breaker's count starts over; resuming an active route changes nothing. */
export function resumeRoute(state: RouteState, now: number): { state: RouteState; change?: Change } {
  if (state.mode === "active") return { state };
  const reason = "resumed by the operator";
  const next: RouteState = {
    ...state,
    mode: "active",
    since: now,
    by: "operator",
    reason,
    failures: 0,
    probeFor: undefined,
    wakeAt: 0,
    nextSlot: Math.max(state.nextSlot, now),
    holdCursor: now,
  };
  return { state: next, change: { kind: "resumed", by: "operator", reason, since: now } };
}
