import type { Governance } from "../../config/governance";

/**
 * What a route's governor keeps, as plain data the pure decisions (./decide.ts, ./settle.ts)
 * take and return with an explicit `now` (epoch ms). The Durable Object (./object.ts) only
 * loads and stores it.
 */

export type Mode = "active" | "paused" | "open";

export interface RouteState {
  mode: Mode;
  /** When the mode last changed (0: never). */
  since: number;
  /** Why, for people: "paused by the operator", "10 failed attempts in a row". */
  reason: string;
  /** Who changed it last. */
  by: "operator" | "breaker" | undefined;
  /** Retryable failures since the last success. */
  failures: number;
  /** When an attempt last succeeded (0: never): the breaker opens only after a window without one. */
  lastSuccess: number;
  /** While open: the envelope whose probe failed last; it is the next probe (a probe makes progress). */
  probeFor?: string | undefined;
  /** A release message is on its way for this time (0: none): parked messages are let out then. */
  wakeAt: number;
  /** The route's rate limit as last seen (0: none): parked messages are let out no faster. */
  releasePerSecond: number;
  /** While open: a probe may go at or after this. */
  probeAt: number;
  /** Rate limit: the earliest start of the next attempt. */
  nextSlot: number;
  /** Rate limit: where the next held message is told to come back, so holds spread out at the rate. */
  holdCursor: number;
}

export const FRESH_ROUTE: RouteState = {
  mode: "active",
  since: 0,
  reason: "",
  by: undefined,
  failures: 0,
  lastSuccess: 0,
  probeAt: 0,
  nextSlot: 0,
  holdCursor: 0,
  wakeAt: 0,
  releasePerSecond: 0,
};

/** One key value of an ordered route. Sequence numbers start at 1. */
export interface KeyState {
  key: string;
  /** The last number given at acceptance. */
  last: number;
  /** Every number up to this was delivered or dead-lettered (or skipped: see decide.ts). */
  done: number;
  /** When the head (done + 1) is expected next: its last presentation (to the minute), or when its retry is due. */
  headDue: number;
}

export function freshKey(key: string, now: number): KeyState {
  return { key, last: 0, done: 0, headDue: now };
}

/** What the consumer asks about one message. */
export interface Ask {
  id: string;
  sequence?: { key: string; n: number };
  /** The envelope's id: the designated probe is known by it. */
  envelopeId?: string;
}

export type HoldReason = "paused" | "open" | "rate" | "concurrency" | "breaker" | "order" | "unavailable";

/** Why a message is parked in the governor (stored once, let out when it can be attempted). */
export type ParkReason = "paused" | "open" | "order";

export type Verdict =
  /** Attempt at `at` (a rate-limit slot); `after`: the message of the same key to finish first, in this batch. */
  | { kind: "attempt"; at: number; probe: boolean; after?: string }
  /**
   * Send again with a delay: no attempt made, none used up (a rate slot, a short wait).
   * `unlessAnswered`: held by the breaker's cap on a route with nothing known to have
   * succeeded lately; attempted in this batch after all once one of its granted attempts succeeds.
   */
  | { kind: "hold"; delaySeconds: number; why: HoldReason; unlessAnswered?: true }
  /** Stored once in the governor until it can be attempted: no attempt made, no queue traffic while it waits. */
  | { kind: "park"; why: ParkReason }
  /** A number already delivered or dead-lettered: a duplicate message, acked without an attempt. */
  | { kind: "skip" }
  /** A number given up on while its message was missing (decide.ts, GAP_MS): kept as a dead letter, never delivered out of order. */
  | { kind: "bury"; reason: "sequence_skipped" };

/** What one governed message came to, reported after the batch. */
export interface Result {
  id: string;
  envelopeId?: string;
  sequence?: { key: string; n: number };
  probe: boolean;
  /** For the breaker: a 2xx, a retryable failure (408, 429, 5xx, timeout, network), or neither (a 3xx or 4xx, no attempt). */
  outcome: "success" | "failure" | "neutral";
  /** For the order: finished (delivered or dead letter), to be retried after `retryDelaySeconds`, or not known (it threw). */
  fate: "finished" | "retrying" | "unknown";
  retryDelaySeconds?: number;
}

/** A change worth an operational event. */
export type Change =
  | { kind: "paused"; by: "operator" | "breaker"; reason: string; since: number }
  | { kind: "resumed"; by: "operator" | "breaker"; reason: string; since: number }
  | { kind: "head_failing"; key: string; n: number; waiting: number };

export type Settings = Governance;
