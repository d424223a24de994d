import { TOTALS_MINUTE } from "./metrics";

/** One series' total since the beginning. */
export interface MetricTotal {
  scope: string;
  name: string;
  key: string;
  count: number;
}

/**
 * The counters' totals since the beginning (metrics.ts writes them beside each minute): what a
 * Prometheus scrape needs, monotonic however much retention prunes. One row read per series.
 */
export async function readMetricTotals(db: D1Database): Promise<MetricTotal[]> {
  const { results } = await db
    .prepare("SELECT scope, name, key, count FROM metrics WHERE minute = ?1 ORDER BY scope, name, key")
    .bind(TOTALS_MINUTE)
    .all<MetricTotal>();
  return results;
}
