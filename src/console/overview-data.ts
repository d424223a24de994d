import type { EventSummary, Metrics } from "./shapes";
import type { OverviewData } from "./views/overview";

const HOUR = 3_600_000;

/** The starts of the `count` whole hours up to and including the current one, oldest first. */
export function hoursEnding(now: Date, count: number): string[] {
  const current = Math.floor(now.getTime() / HOUR) * HOUR;
  return Array.from({ length: count }, (_, i) => new Date(current - (count - 1 - i) * HOUR).toISOString());
}

/**
 * The overview's data from `GET /admin/metrics?bucket=hour` (docs/contract.md §8.1) and the recent
 * operational events. Pure: the answers in, the view's data out. Buckets are laid on the given
 * hours (an hour without a bucket counts nothing); per route, counts are summed over the window
 * and the latency is the latest hour's that has one (percentiles of different hours do not add).
 */
export function overviewOf(metrics: Metrics, hours: string[], operational: EventSummary[]): OverviewData {
  const slot = new Map(hours.map((h, i) => [Date.parse(h), i]));
  const sources = new Map<string, Record<string, number>[]>();
  const routes = new Map<string, OverviewData["routes"][number]>();
  for (const bucket of metrics.buckets) {
    const index = slot.get(Math.floor(Date.parse(bucket.start) / HOUR) * HOUR);
    if (index === undefined) continue;
    for (const [name, outcomes] of Object.entries(bucket.sources)) {
      const series = sources.get(name) ?? hours.map((): Record<string, number> => ({}));
      const cell = series[index]!;
      for (const [outcome, count] of Object.entries(outcomes)) cell[outcome] = (cell[outcome] ?? 0) + count;
      sources.set(name, series);
    }
    for (const [routeId, counts] of Object.entries(bucket.routes)) {
      const route = routes.get(routeId) ?? { routeId, delivered: 0, retried: 0, dead: 0 };
      route.delivered += counts.delivered;
      route.retried += counts.retried;
      route.dead += counts.dead;
      if (counts.latencyMs) {
        route.p50Ms = counts.latencyMs.p50;
        route.p99Ms = counts.latencyMs.p99;
        route.p50Within = counts.latencyMs.p50Within;
        route.p99Within = counts.latencyMs.p99Within;
      }
      routes.set(routeId, route);
    }
  }
  const byName = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => a.localeCompare(b));
  return {
    hours,
    sources: byName([...sources]).map(([name, buckets]) => ({ name, buckets })),
    routes: byName([...routes]).map(([, route]) => route),
    operational,
  };
}
