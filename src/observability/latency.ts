/**
 * The receipt-to-delivery histogram: its bucket bounds and the quantiles read from it. Pure.
 *
 * From 50 ms to 10 s (where deliveries are expected) each bound is at most 1.5 times the one
 * below, so an interpolated percentile is off by at most its bucket's width, a third of the
 * bucket's upper bound; coarser beyond
 * (a receiver that was down). They are a superset of the bounds used before, so rows counted
 * under those still fall into a bucket with the same upper bound.
 */
export const LATENCY_BOUNDS_MS = [
  10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1_000, 1_250, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 7_500, 10_000, 15_000, 30_000, 60_000,
  120_000, 300_000, 600_000, 1_800_000, 3_600_000, 21_600_000,
];

/** The key of the open bucket, above the last bound. */
export const OPEN_BOUND = "inf";

/** The key of the bucket a duration falls in: its upper bound in ms, or the open bucket. */
export function latencyBucket(ms: number): string {
  const bound = LATENCY_BOUNDS_MS.find((b) => ms <= b);
  return bound === undefined ? OPEN_BOUND : String(bound);
}

/** A quantile and the bucket it lies in: the true value is between `from` and `to` (null: no upper bound). */
export interface Quantile {
  value: number;
  from: number;
  to: number | null;
}

/**
 * The quantile of a histogram (bucket key → count), interpolated linearly inside the bucket it
 * falls in, as Prometheus's `histogram_quantile` does: the figure assumes observations spread
 * evenly in that bucket, and the bucket's bounds say how far off it can be. In the open bucket
 * the last bound is reported (a floor). Undefined for an empty histogram.
 */
export function quantile(histogram: ReadonlyMap<string, number>, q: number): Quantile | undefined {
  const buckets = [...LATENCY_BOUNDS_MS.map((b) => [String(b), b] as const), [OPEN_BOUND, Number.POSITIVE_INFINITY] as const];
  const total = buckets.reduce((sum, [key]) => sum + (histogram.get(key) ?? 0), 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  let from = 0;
  for (const [key, to] of buckets) {
    const n = histogram.get(key) ?? 0;
    if (n > 0 && below + n >= rank) {
      if (to === Number.POSITIVE_INFINITY) return { value: from, from, to: null };
      return { value: Math.round(from + ((to - from) * (rank - below)) / n), from, to };
    }
    below += n;
    from = to;
  }
  return undefined;
}
