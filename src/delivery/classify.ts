import { backoffSeconds, MAX_DELAY_SECONDS } from "./backoff";

/** What one attempt came to: the target's answer, or no answer at all. */
export type DeliveryOutcome = { kind: "response"; status: number; retryAfter?: string | null } | { kind: "timeout" } | { kind: "network" };

export type PermanentFailure = "rejected" | "redirected" | "attempts_exhausted";

/** What to do with a message after an attempt. */
export type NextStep = { kind: "done" } | { kind: "retry"; delaySeconds: number } | { kind: "dead"; reason: PermanentFailure };

export interface ClassifyContext {
  /** The number of the attempt that just ended, counting from 1. */
  attempt: number;
  maxAttempts: number;
  now: number;
  random: () => number;
  /** The waits between attempts (config `delivery.retrySchedule`); the default schedule when absent. */
  schedule?: readonly number[] | undefined;
}

/**
 * 2xx is done; a redirect (never followed) and any 4xx but 408 and 429 are final; the rest
 * (408, 429, 5xx, timeouts, network errors) is tried again until `maxAttempts`, after the
 * target's `Retry-After` when it gives one, else the backoff; never later than Queues allows.
 */
export function classify(outcome: DeliveryOutcome, ctx: ClassifyContext): NextStep {
  if (outcome.kind === "response") {
    const status = outcome.status;
    if (status >= 200 && status < 300) return { kind: "done" };
    if (status >= 300 && status < 400) return { kind: "dead", reason: "redirected" };
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { kind: "dead", reason: "rejected" };
  }
  if (ctx.attempt >= ctx.maxAttempts) return { kind: "dead", reason: "attempts_exhausted" };
  const asked = outcome.kind === "response" ? parseRetryAfter(outcome.retryAfter, ctx.now) : undefined;
  // A Retry-After of 0 would spend every attempt in seconds; a few seconds at least.
  const delay = asked === undefined ? backoffSeconds(ctx.attempt, ctx.random, ctx.schedule) : Math.max(asked, MIN_RETRY_AFTER_SECONDS);
  return { kind: "retry", delaySeconds: Math.min(delay, MAX_DELAY_SECONDS) };
}

const MIN_RETRY_AFTER_SECONDS = 5;

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; undefined when unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // HTTP dates start with the day's name; this keeps Date.parse's leniency ("1.5", "-5") out.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
