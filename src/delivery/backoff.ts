/** Queues refuses a delay longer than 24 hours (`delaySeconds` at most 86,400). */
export const MAX_DELAY_SECONDS = 86_400;

/**
 * The waits after each failed attempt, in seconds (docs/delivery.md, "Retries"): the first
 * within seconds, then longer, about 35 hours in all for 10 attempts (at least 26 hours with
 * the spread below). `delivery.retrySchedule` replaces it; past its end the last wait repeats.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 60, 300, 1_800, 3_600, 10_800, 21_600, 43_200, 43_200];

/** The share of a wait that is spread by `random`: a wait lasts between 75 % and 100 % of its step. */
const SPREAD = 0.25;

/**
 * How long to wait after failed attempt `attempt` (1-based): the schedule's step, capped at
 * 24 h, spread over [¾, whole] by `random` so that the messages that failed together during
 * an outage do not all come back in the same second.
 */
export function backoffSeconds(attempt: number, random: () => number, schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE): number {
  const steps = schedule.length > 0 ? schedule : DEFAULT_RETRY_SCHEDULE;
  const step = Math.min(steps[Math.min(Math.max(1, attempt), steps.length) - 1]!, MAX_DELAY_SECONDS);
  const spread = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.round(step * (1 - SPREAD) + step * SPREAD * spread));
}
