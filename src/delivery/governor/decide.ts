import { MAX_DELAY_SECONDS } from "../backoff";
import { type Ask, freshKey, type HoldReason, type KeyState, type ParkReason, type RouteState, type Settings, type Verdict } from "./state";

/** A rate-limit slot may be granted this far ahead: the consumer waits for it (a batch's worth at most). */
export const SLOT_HORIZON_MS = 2_000;
/**
 * Slots are spaced as if each second had this many more milliseconds, so that requests a few
 * milliseconds early or late at the receiver (the network, the consumer's timers) still fit
 * `perSecond + 1` in any one-second window there. The price: 5% under the limit at most.
 */
export const SLOT_JITTER_MS = 50;
/**
 * A head presented again moves `headDue` only when it is this stale: deciding writes no row for
 * a key whose head is on time (the gap rule below counts in quarter hours anyway).
 */
const HEAD_SEEN_REFRESH_MS = 60_000;
/** A head not seen for this long past when it was due, while later numbers wait, is given up on (kept as a dead letter if it ever comes). */
export const GAP_MS = 15 * 60_000;
/** A short hold (concurrency, the breaker's cap, a second copy of a head) comes back at most this late. */
export const MAX_HOLD_SECONDS = 60;
const BREAKER_CAP_HOLD_SECONDS = 1;

export interface Decision {
  state: RouteState;
  /** The keys read, as they are now (changed or not). */
  keys: Map<string, KeyState>;
  verdicts: Verdict[];
  /** Ids that took a concurrency lease. */
  leased: string[];
  /** Numbers given up on (decide's gap rule), to remember as skipped. */
  skipped: { key: string; n: number }[];
}

export interface DecideInput {
  state: RouteState;
  keys: Map<string, KeyState>;
  /** Concurrency leases held now (not expired). */
  leases: number;
  /** `key \u0000 n` of numbers skipped earlier, among those asked about. */
  skippedBefore: Set<string>;
  settings: Settings;
  asks: Ask[];
  now: number;
  /**
   * An ordered route's key shard (./shards.ts): only the order is decided here, each candidate
   * an attempt (after the one before it, for a run); the route's own governor then gates them
   * (pause, breaker, rate) as unordered messages.
   */
  orderOnly?: boolean;
}

/**
 * One batch's verdicts for one route: which messages are attempted now (and at what time),
 * which wait, in the order they should go. Pure: the same input gives the same answer.
 */
export function decide(input: DecideInput): Decision {
  const { settings, asks, now } = input;
  const state = { ...input.state };
  if (state.mode === "open" && settings.breaker === false) {
    Object.assign(state, { mode: "active", since: now, reason: "breaker turned off", by: "breaker", failures: 0 });
  }
  const keys = new Map([...input.keys].map(([k, v]) => [k, { ...v }]));
  const verdicts: Verdict[] = new Array(asks.length);
  const skipped: { key: string; n: number }[] = [];
  const candidates = orderedCandidates(input, keys, verdicts, skipped);
  if (input.orderOnly) {
    for (const { index, after } of candidates) verdicts[index] = { kind: "attempt", at: now, probe: false, ...(after !== undefined && { after: after.id }) };
    return { state, keys, verdicts, leased: [], skipped };
  }
  // With no success known in the breaker's window (a new route, a quiet one, a failing one), a
  // batch may try no more than would open the breaker: a target down from the start costs `failures` attempts.
  const cap = settings.breaker && unanswered(state, settings.breaker, now) ? Math.max(1, settings.breaker.failures - state.failures) : Number.POSITIVE_INFINITY;
  const run: Run = { state, granted: 0, cap, probeGiven: false, leased: [] };
  for (const candidate of candidates) {
    const verdict = judge(candidate, input, run, verdicts);
    verdicts[candidate.index] = verdict;
  }
  return { state, keys, verdicts, leased: run.leased, skipped };
}

/** What one batch has granted so far. */
interface Run {
  state: RouteState;
  granted: number;
  /** The breaker's limit on this batch's attempts once failures have begun. */
  cap: number;
  probeGiven: boolean;
  leased: string[];
}

/** One candidate through the gates in order: its turn, the pause, the open breaker, the breaker's cap, concurrency, the rate. */
function judge(candidate: Candidate, input: DecideInput, run: Run, verdicts: Verdict[]): Verdict {
  const { settings, now } = input;
  const { state } = run;
  const { index, after } = candidate;
  const hold = (why: HoldReason, delaySeconds: number): Verdict => ({ kind: "hold", why, delaySeconds: clampHold(delaySeconds) });
  const park = (why: ParkReason): Verdict => ({ kind: "park", why });
  if (after !== undefined && verdicts[after.index]?.kind !== "attempt") return park("order");
  if (state.mode === "paused") return park("paused");
  const probe = state.mode === "open";
  if (probe && (run.probeGiven || after !== undefined || now < state.probeAt || !isTheProbe(input.asks[index]!, state, settings, now))) return park("open");
  if (run.granted >= run.cap) {
    // A target that answers lets the rest of the batch go at once (batch.ts); one that does not
    // holds them a moment, by which time the breaker knows. Not where a rate or order applies.
    const answerable = after === undefined && settings.rateLimit === undefined && settings.ordered === undefined;
    return { ...hold("breaker", BREAKER_CAP_HOLD_SECONDS), ...(answerable && { unlessAnswered: true as const }) };
  }
  const concurrency = settings.rateLimit?.concurrency;
  const leases = after === undefined && concurrency !== undefined;
  if (leases && input.leases + run.leased.length >= concurrency) return hold("concurrency", 2);
  let at = now;
  const perSecond = settings.rateLimit?.perSecond;
  if (perSecond !== undefined) {
    const interval = (1000 + SLOT_JITTER_MS) / perSecond;
    at = Math.max(now, state.nextSlot);
    if (at - now > SLOT_HORIZON_MS) {
      // Sent once, to come back at its own slot: one enqueue whatever the backlog (never every minute).
      state.holdCursor = Math.max(state.holdCursor, state.nextSlot) + interval;
      return { kind: "hold", why: "rate", delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((state.holdCursor - now) / 1000))) };
    }
    state.nextSlot = at + interval;
  }
  run.granted += 1;
  if (leases) run.leased.push(input.asks[index]!.id);
  if (probe) {
    run.probeGiven = true;
    state.probeAt = now + (settings.breaker ? settings.breaker.probeSeconds * 1000 : 0);
  }
  return { kind: "attempt", at, probe, ...(after !== undefined && { after: after.id }) };
}

/** The envelope whose probe failed last is the next probe, unless it is a whole interval late. */
function isTheProbe(ask: Ask, state: RouteState, settings: Settings, now: number): boolean {
  if (state.probeFor === undefined || ask.envelopeId === state.probeFor) return true;
  const interval = settings.breaker ? settings.breaker.probeSeconds * 1000 : 0;
  return now >= state.probeAt + interval;
}

/** No attempt has succeeded for the breaker's window: failures count toward opening it. */
export function unanswered(state: RouteState, breaker: { windowSeconds?: number }, now: number): boolean {
  return now - state.lastSuccess >= (breaker.windowSeconds ?? 60) * 1000;
}

interface Candidate {
  index: number;
  /** The message of the same key that must finish first, in this batch. */
  after?: { id: string; index: number };
}

/**
 * Unordered messages are all candidates. Per key, only the head (done + 1) is, and the run of
 * numbers right after it that this batch also holds, each after the one before (not on a
 * rate-limited route, where a late start could bunch requests). The rest wait, or are
 * duplicates of what is finished.
 */
function orderedCandidates(input: DecideInput, keys: Map<string, KeyState>, verdicts: Verdict[], skipped: { key: string; n: number }[]): Candidate[] {
  const { asks, now } = input;
  const candidates: Candidate[] = [];
  const byKey = new Map<string, number[]>();
  asks.forEach((ask, index) => {
    if (!ask.sequence) {
      candidates.push({ index });
      return;
    }
    const group = byKey.get(ask.sequence.key);
    if (group) group.push(index);
    else byKey.set(ask.sequence.key, [index]);
  });
  for (const [name, indexes] of byKey) {
    indexes.sort((a, b) => asks[a]!.sequence!.n - asks[b]!.sequence!.n);
    const numbers = indexes.map((i) => asks[i]!.sequence!.n);
    const key = keys.get(name) ?? { ...freshKey(name, now), last: Math.max(...numbers), done: Math.min(...numbers) - 1 };
    keys.set(name, key);
    // A head that never came (its acceptance failed after its number was given, or Queues lost
    // track of it) must not hold its key forever.
    while (numbers.some((n) => n > key.done + 1) && !numbers.includes(key.done + 1) && now > key.headDue + GAP_MS && key.done < key.last) {
      key.done += 1;
      key.headDue = now;
      skipped.push({ key: name, n: key.done });
    }
    let previous: { id: string; index: number; n: number } | undefined;
    for (const index of indexes) {
      const ask = asks[index]!;
      const n = ask.sequence!.n;
      if (n <= key.done) {
        verdicts[index] = input.skippedBefore.has(`${name}\u0000${n}`) ? { kind: "bury", reason: "sequence_skipped" } : { kind: "skip" };
        continue;
      }
      if (n === key.done + 1) seen(key, now);
      // A second copy of the head (Queues delivers at least once) waits: one at a time.
      if (n === key.done + 1 && previous?.n !== n) {
        candidates.push({ index });
        previous = { id: ask.id, index, n };
      } else if (previous && n === previous.n + 1 && input.settings.rateLimit === undefined) {
        candidates.push({ index, after: { id: previous.id, index: previous.index } });
        previous = { id: ask.id, index, n };
      } else if (n === key.done + 1) {
        verdicts[index] = { kind: "hold", why: "order", delaySeconds: clampHold((key.headDue - now) / 1000) };
      } else {
        // Behind its key's head: parked until the head is finished (settle.ts lets the next out).
        verdicts[index] = { kind: "park", why: "order" };
      }
    }
  }
  return candidates;
}

/** The head was presented now: it is not missing. */
function seen(key: KeyState, now: number): void {
  if (now - key.headDue > HEAD_SEEN_REFRESH_MS) key.headDue = now;
}

function clampHold(seconds: number): number {
  return Math.min(MAX_HOLD_SECONDS, Math.max(1, Math.ceil(seconds)));
}
