import { GAP_MS } from "./decide";
import type { ParkedRow, ParkedRows } from "./parked";
import type { ParkReason, RouteState } from "./state";

/**
 * How long a message may wait, counted from its first hold: Queues keeps a message at most 14
 * days (the retention a queue can be given), and a parked message stands in for one. Past it
 * the message becomes a dead letter (`paused_too_long`), never dropped.
 */
export const MAX_HELD_MS = 14 * 86_400_000;

/**
 * Parked messages let out per second and route at most: a 24-hour backlog of a 10 M-a-day route
 * (10 M messages) drains in about 3 hours, and with new traffic stays under half of Queues'
 * 5,000 messages a second (docs/delivery.md, "Parked messages").
 */
export const RELEASE_PER_SECOND = 1_000;

/** What one release message lets out. */
export interface Released {
  bodies: string[];
  /** Parked past MAX_HELD_MS: dead letters now. */
  expired: string[];
  /** Send the next release message this much later (more to let out, or a probe due). */
  wakeInSeconds?: number;
}

/** Why an envelope waits, for its timeline (docs/contract.md, the event's deliveries). */
export interface Waiting {
  reason: ParkReason;
  since: string;
  /** When it will be tried next, when known (a probe's time); absent while paused. */
  next?: string;
  /** For order: the sequence number of its key it waits behind. */
  behind?: number;
}

/**
 * Which parked rows go now: none while paused; one probe when it is due while open (unless the
 * envelope whose probe failed is on its way back: that one is the next probe); otherwise the
 * oldest, and each key's head, at most `limit` and no faster than the route's rate limit.
 */
export function releaseFrom(
  input: RouteState,
  parked: ParkedRows,
  now: number,
  limit: number,
): { state: RouteState; released: ParkedRow[]; expired: ParkedRow[]; wakeInSeconds?: number } {
  const state = { ...input, wakeAt: 0 };
  const expired = parked.expired(now - MAX_HELD_MS, limit);
  if (state.mode === "paused") return { state, released: [], expired };
  if (state.mode === "open") {
    const due = now >= state.probeAt - 1000 && state.probeFor === undefined;
    const probe = due ? parked.oldest() : undefined;
    const released = probe && !expired.some((e) => e.seq === probe.seq) ? [probe] : [];
    // Nobody else is the probe until this one had its interval (decide.ts gives it the turn).
    if (released.length > 0) state.probeAt = Math.max(state.probeAt, now);
    const wakeAt = Math.max(state.probeAt, now + 1000) + (released.length > 0 ? 1000 : 0);
    state.wakeAt = wakeAt;
    return { state, released, expired, wakeInSeconds: Math.ceil((wakeAt - now) / 1000) };
  }
  const pace = state.releasePerSecond > 0 ? Math.max(1, Math.floor(state.releasePerSecond)) : RELEASE_PER_SECOND;
  const gone = new Set(expired.map((e) => e.seq));
  const released = parked.releasable(Math.min(limit, pace)).filter((r) => !gone.has(r.seq));
  const left = parked.count - released.length - expired.length;
  if (left <= 0) return { state, released, expired };
  // More to let out next second; or only numbers behind their keys' heads, looked at again when a missing head would be given up on.
  const wakeInSeconds = released.length > 0 || expired.length > 0 ? 1 : Math.ceil(GAP_MS / 1000) + 1;
  state.wakeAt = now + wakeInSeconds * 1000;
  return { state, released, expired, wakeInSeconds };
}

export function waitingOf(row: ParkedRow, state: RouteState, done: number): Waiting {
  const since = new Date(row.since).toISOString();
  if (row.why === "order") return { reason: "order", since, behind: done + 1 };
  if (row.why === "open" && state.mode === "open") return { reason: "open", since, next: new Date(state.probeAt).toISOString() };
  return { reason: row.why, since };
}
