import { type Ask, freshKey, type HoldReason, type KeyState, type RouteState, type Settings, type Verdict } from "./state";

/** A rate-limit slot may be granted this far ahead: the consumer waits for it (a batch's worth at most). */
export const SLOT_HORIZON_MS = 2_000;
/**
 * Slots are spaced as if each second had this many more milliseconds, so that requests a few
 * milliseconds early or late at the receiver (the network, the consumer's timers) still fit
 * `perSecond + 1` in any one-second window there. The price: 5% under the limit at most.
 */
export const SLOT_JITTER_MS = 50;
/** How long an attempt holds an ordered key's head (or a concurrency lease) if its report never comes. */
export const LEASE_MS = 60_000;
/** A head not seen for this long past when it was due, while later numbers wait, is given up on (kept as a dead letter if it ever comes). */
export const GAP_MS = 15 * 60_000;
/** Held messages come back at most this late, so a resume is felt within a minute at worst. */
export const MAX_HOLD_SECONDS = 60;
const MIN_PAUSED_HOLD_SECONDS = 5;

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
}

/**
 * One batch's verdicts for one route: which messages are attempted now (and at what time),
 * which wait, in the order they should go. Pure: the same input gives the same answer.
 */
export function decide(input: DecideInput): Decision {
  const { settings, asks, now } = input;
  const state = { ...input.state };
  if (state.mode === "open" && settings.breaker === false) Object.assign(state, { mode: "active", since: now, reason: "breaker turned off", by: "breaker", failures: 0 });
  const keys = new Map([...input.keys].map(([k, v]) => [k, { ...v }]));
  const verdicts: Verdict[] = new Array(asks.length);
  const skipped: { key: string; n: number }[] = [];
  const candidates = orderedCandidates(input, keys, verdicts, skipped);
  const leased: string[] = [];
  let granted = 0;
  let probeGiven = false;
  const cap = settings.breaker && state.failures > 0 ? Math.max(1, settings.breaker.failures - state.failures) : Number.POSITIVE_INFINITY;
  for (const { index, after } of candidates) {
    const ask = asks[index]!;
    const hold = (why: HoldReason, delaySeconds: number) => {
      verdicts[index] = { kind: "hold", why, delaySeconds: clampHold(delaySeconds) };
    };
    if (after !== undefined && verdicts[after.index]?.kind !== "attempt") {
      hold("order", 1);
      continue;
    }
    if (state.mode === "paused") {
      hold("paused", pausedHoldSeconds(state, now));
      continue;
    }
    let probe = false;
    if (state.mode === "open") {
      if (probeGiven || after !== undefined || now < state.probeAt) {
        hold("open", Math.min(pausedHoldSeconds(state, now), Math.ceil((state.probeAt - now) / 1000)));
        continue;
      }
      probe = true;
      probeGiven = true;
    }
    if (granted >= cap) {
      hold("breaker", MIN_PAUSED_HOLD_SECONDS);
      continue;
    }
    const concurrency = settings.rateLimit?.concurrency;
    if (after === undefined && concurrency !== undefined && input.leases + leased.length >= concurrency) {
      hold("concurrency", 2);
      continue;
    }
    let at = now;
    const perSecond = settings.rateLimit?.perSecond;
    if (perSecond !== undefined) {
      const interval = (1000 + SLOT_JITTER_MS) / perSecond;
      at = Math.max(now, state.nextSlot);
      if (at - now > SLOT_HORIZON_MS) {
        state.holdCursor = Math.max(state.holdCursor, state.nextSlot) + interval;
        hold("rate", Math.ceil((state.holdCursor - now) / 1000));
        continue;
      }
      state.nextSlot = at + interval;
    }
    granted += 1;
    if (after === undefined && concurrency !== undefined) leased.push(ask.id);
    if (probe) state.probeAt = now + (settings.breaker ? settings.breaker.probeSeconds * 1000 : 0);
    const sequence = ask.sequence;
    if (sequence && after === undefined) {
      const key = keys.get(sequence.key)!;
      key.headId = ask.id;
      key.headUntil = now + LEASE_MS;
    }
    verdicts[index] = { kind: "attempt", at, probe, ...(after !== undefined && { after: after.id }) };
  }
  return { state, keys, verdicts, leased, skipped };
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
    if (!ask.sequence) return candidates.push({ index });
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
      const leasedByOther = key.headId !== undefined && key.headId !== ask.id && key.headUntil > now;
      if (n === key.done + 1 && !leasedByOther && previous?.n !== n) {
        key.headDue = Math.max(key.headDue, now);
        candidates.push({ index });
        previous = { id: ask.id, index, n };
      } else if (previous && n === previous.n + 1 && input.settings.rateLimit === undefined) {
        candidates.push({ index, after: { id: previous.id, index: previous.index } });
        previous = { id: ask.id, index, n };
      } else {
        if (n === key.done + 1) key.headDue = Math.max(key.headDue, now);
        verdicts[index] = { kind: "hold", why: "order", delaySeconds: clampHold(Math.max((key.headDue - now) / 1000, n - key.done - 1)) };
      }
    }
  }
  return candidates;
}

/** While paused: every 5 s at first, then a tenth of the pause so far, at most a minute. */
export function pausedHoldSeconds(state: RouteState, now: number): number {
  return clampHold(Math.max(MIN_PAUSED_HOLD_SECONDS, (now - state.since) / 10_000));
}

function clampHold(seconds: number): number {
  return Math.min(MAX_HOLD_SECONDS, Math.max(1, Math.ceil(seconds)));
}
