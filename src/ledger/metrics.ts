import type { MetricsAnswer, MetricsBucket, MetricsQuery } from "./schema";

/**
 * Counts per minute (docs/contract.md §8.1), kept in the isolate and written to D1 by the first
 * invocation that ends after FLUSH_INTERVAL_MS have passed (in its waitUntil; nothing waits on a
 * timer): one upsert row per (minute, scope, name, key) instead of one per request, so a flood of
 * refusals costs almost nothing. The price: counts an isolate held when it was evicted (at most
 * the last interval's) are lost. They stay in D1, one database every location sees: a few rows
 * per isolate-minute, about nothing per notification (docs/event-log.md).
 *
 * scopes: `ingest` (name = source, key = answer code), `delivery` (name = route, key =
 * delivered | retried | dead), `latency` (name = route, key = histogram bound in ms),
 * `eventlog` (name = "gateway", key = unrecorded: lines the ledger did not take).
 */
const FLUSH_INTERVAL_MS = 10_000;
const MINUTE = 60_000;

/** Upper bounds (ms) of the receipt-to-delivery histogram; the last bucket is open. */
export const LATENCY_BOUNDS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000, 3_600_000, 21_600_000];
const OPEN_BOUND = "inf";

const counters = new Map<string, number>();
let lastFlush = 0;

/** Sources are named by the URL: a name no source has is counted under one key, so strangers cannot add rows. */
export const UNKNOWN_SOURCE = "(unknown)";

export function count(scope: "ingest" | "delivery" | "latency" | "eventlog", name: string, key: string, at: number, n = 1): void {
  const id = [Math.floor(at / MINUTE), scope, name, key].join("\u0000");
  counters.set(id, (counters.get(id) ?? 0) + n);
}

export function countLatency(routeId: string, ms: number, at: number): void {
  const bound = LATENCY_BOUNDS_MS.find((b) => ms <= b);
  count("latency", routeId, bound === undefined ? OPEN_BOUND : String(bound), at);
}

export function countUnrecorded(rows: number): void {
  count("eventlog", "gateway", "unrecorded", Date.now(), rows);
}

/**
 * The counters as upserts when a flush is due (or `force`d), taken out of the isolate; none
 * otherwise. `restore` puts them back, for a write that failed: they go with the next one.
 */
export function metricStatements(db: D1Database, now: Date, force = false): { statements: D1PreparedStatement[]; restore: () => void } {
  if (counters.size === 0 || (!force && now.getTime() - lastFlush < FLUSH_INTERVAL_MS)) return { statements: [], restore: () => {} };
  lastFlush = now.getTime();
  const taken = [...counters];
  const rows = taken.map(([id, n]) => [...id.split("\u0000"), n] as const);
  counters.clear();
  const restore = () => {
    for (const [id, n] of taken) counters.set(id, (counters.get(id) ?? 0) + n);
  };
  const statements: D1PreparedStatement[] = [];
  // D1 binds at most 100 parameters a statement: 20 rows of 5.
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    const values = chunk.map(() => "(?, ?, ?, ?, ?)").join(", ");
    const params = chunk.flatMap(([minute, scope, name, key, n]) => [Number(minute), scope, name, key, n]);
    statements.push(
      db
        .prepare(`INSERT INTO metrics (minute, scope, name, key, count) VALUES ${values} ON CONFLICT DO UPDATE SET count = count + excluded.count`)
        .bind(...params),
    );
  }
  return { statements, restore };
}

/** Writes this isolate's counters when a write is due; never throws (a refused write's counters go with the next). */
export async function writeMetricsIfDue(db: D1Database, now: Date): Promise<void> {
  const { statements, restore } = metricStatements(db, now);
  if (statements.length === 0) return;
  try {
    await db.batch(statements);
  } catch {
    restore();
  }
}

/** Writes this isolate's counters now; used before answering a metrics query so it includes them. */
export async function flushMetrics(db: D1Database, now: Date): Promise<void> {
  const { statements, restore } = metricStatements(db, now, true);
  if (statements.length === 0) return;
  try {
    await db.batch(statements);
  } catch (error) {
    restore();
    throw error;
  }
}

interface MetricRow {
  minute: number;
  scope: string;
  name: string;
  key: string;
  count: number;
}

const DAY = 86_400_000;

/** Buckets between `since` (default 24 h ago) and `until` (default now), oldest first. */
export async function queryMetrics(db: D1Database, query: MetricsQuery, now: Date): Promise<MetricsAnswer> {
  const until = query.until ? Date.parse(query.until) : now.getTime();
  const since = query.since ? Date.parse(query.since) : until - DAY;
  const width = query.bucket === "minute" ? 1 : 60;
  const { results } = await db
    .prepare(
      `SELECT (minute / CAST(?1 AS INTEGER)) * CAST(?1 AS INTEGER) AS minute, scope, name, key, SUM(count) AS count FROM metrics
       WHERE minute >= ?2 AND minute <= ?3 GROUP BY 1, scope, name, key ORDER BY 1`,
    )
    .bind(width, Math.floor(since / MINUTE), Math.floor(until / MINUTE))
    .all<MetricRow>();
  const buckets = new Map<number, MetricsBucket>();
  const histograms = new Map<string, Map<string, number>>();
  for (const row of results) {
    let bucket = buckets.get(row.minute);
    if (!bucket) {
      bucket = { start: new Date(row.minute * MINUTE).toISOString(), sources: {}, routes: {} };
      buckets.set(row.minute, bucket);
    }
    if (row.scope === "ingest") {
      const outcomes = bucket.sources[row.name] ?? {};
      outcomes[row.key] = (outcomes[row.key] ?? 0) + row.count;
      bucket.sources[row.name] = outcomes;
    } else if (row.scope === "delivery" || row.scope === "latency") {
      const route = bucket.routes[row.name] ?? { delivered: 0, retried: 0, dead: 0 };
      bucket.routes[row.name] = route;
      if (row.scope === "delivery" && (row.key === "delivered" || row.key === "retried" || row.key === "dead")) route[row.key] += row.count;
      if (row.scope === "latency") {
        const id = `${row.minute}\u0000${row.name}`;
        const histogram = histograms.get(id) ?? new Map<string, number>();
        histogram.set(row.key, (histogram.get(row.key) ?? 0) + row.count);
        histograms.set(id, histogram);
      }
    }
  }
  for (const [id, histogram] of histograms) {
    const [minute, routeId] = id.split("\u0000") as [string, string];
    const route = buckets.get(Number(minute))?.routes[routeId];
    if (route) route.latencyMs = { p50: percentile(histogram, 0.5), p99: percentile(histogram, 0.99) };
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    bucket: query.bucket,
    buckets: [...buckets.values()],
  };
}

/** The upper bound of the histogram bucket the quantile falls in (the open bucket reports the last bound). */
export function percentile(histogram: Map<string, number>, quantile: number): number {
  const ordered = [...LATENCY_BOUNDS_MS.map(String), OPEN_BOUND].map((key) => [key, histogram.get(key) ?? 0] as const);
  const total = ordered.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  for (const [key, n] of ordered) {
    seen += n;
    if (seen >= quantile * total && n > 0) return key === OPEN_BOUND ? (LATENCY_BOUNDS_MS.at(-1) ?? 0) : Number(key);
  }
  return 0;
}
