/** Queues refuses a delay longer than 12 hours (`delaySeconds` at most 43200). */
export const MAX_DELAY_SECONDS = 43_200;

const BASE_SECONDS = 30;

/**
 * How long to wait after failed attempt `attempt` (1-based): 30 s doubling each time, capped at
 * 12 h, then spread over [half, whole] by `random` so that the messages that failed together
 * during an outage do not all come back in the same second.
 */
export function backoffSeconds(attempt: number, random: () => number): number {
  const ceiling = Math.min(BASE_SECONDS * 2 ** Math.max(0, attempt - 1), MAX_DELAY_SECONDS);
  const spread = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * spread);
}
