import { tallyStatements } from "../deadletters/tally";
import { latencyBucket, quantile } from "./latency";
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
 * delivered | retried | dead | filtered), `latency` (name = route, key = histogram bound in ms, see
 * latency.ts), `latency_sum` (name = route, key = "ms": the milliseconds observed), `answer` and
 * `answer_sum` (the same for the time /hooks took to answer, name = source),
 * `eventlog` (name = "gateway", key = unrecorded: lines the ledger did not take), `reconcile` (name =
 * source, key = pages | recovered | duplicate | unreadable | too_old | failed | expired), `unrouted`
 * (name = source, key = no_route_matched: envelopes no route took, kept in the ledger).
 *
 * Every upsert also adds to the row of minute TOTALS_MINUTE: the totals since the beginning,
 * which retention never deletes. A Prometheus scrape reads those rows alone (one per series),
 * however long the log is kept, and they only grow.
 */
const FLUSH_INTERVAL_MS = 10_000;
const MINUTE = 60_000;
/** The minute whose rows hold the totals since the beginning (1970-01-01T00:00Z: no request is counted there). */
export const TOTALS_MINUTE = 0;

const counters = new Map<string, number>();
let lastFlush = 0;

/** Sources are named by the URL: a name no source has is counted under one key, so strangers cannot add rows. */
export const UNKNOWN_SOURCE = "(unknown)";

type Scope = "ingest" | "delivery" | "latency" | "latency_sum" | "answer" | "answer_sum" | "eventlog" | "reconcile" | "unrouted";

export function count(scope: Scope, name: string, key: string, at: number, n = 1): void {
  const id = [Math.floor(at / MINUTE), scope, name, key].join("\u0000");
  counters.set(id, (counters.get(id) ?? 0) + n);
}

export function countLatency(routeId: string, ms: number, at: number): void {
  count("latency", routeId, latencyBucket(ms), at);
  count("latency_sum", routeId, "ms", at, Math.round(ms));
}

/** How long /hooks/{source} took to answer, as the Worker measures it (its clock moves across I/O). */
export function countAnswer(source: string, ms: number, at: number): void {
  count("answer", source, latencyBucket(ms), at);
  count("answer_sum", source, "ms", at, Math.round(ms));
}

export function countUnrecorded(rows: number): void {
  count("eventlog", "gateway", "unrecorded", Date.now(), rows);
}

/**
 * The counters as upserts when a flush is due (or `force`d), taken out of the isolate; none
 * otherwise. `restore` puts them back, for a write that failed: they go with the next one.
 * The dead letters' tally (deadletters/tally.ts) goes with every write, due or not.
 */
export function metricStatements(db: D1Database, now: Date, force = false): { statements: D1PreparedStatement[]; restore: () => void } {
  const tally = tallyStatements(db);
  if (counters.size === 0 || (!force && now.getTime() - lastFlush < FLUSH_INTERVAL_MS)) return tally;
  lastFlush = now.getTime();
  const taken = [...counters];
  counters.clear();
  const restore = () => {
    for (const [id, n] of taken) counters.set(id, (counters.get(id) ?? 0) + n);
    tally.restore();
  };
  return { statements: [...counterStatements(db, taken), ...tally.statements], restore };
}

/** Each counter's minute row and its totals row; rows of one statement may share a totals row (SQLite upserts row by row). */
function counterStatements(db: D1Database, taken: [string, number][]): D1PreparedStatement[] {
  const rows = taken.flatMap(([id, n]) => {
    const [minute, scope, name, key] = id.split("\u0000") as [string, string, string, string];
    return [[minute, scope, name, key, n] as const, [String(TOTALS_MINUTE), scope, name, key, n] as const];
  });
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
  return statements;
}

/** Writes this isolate's counters when a write is due; never throws (a refused write's counters go with the next). */
export async function writeMetricsIfDue(db: D1Database, now: Date): Promise<void> {
  const { statements, restore } = metricStatements(db, now);
  if (statements.length === 0) return;
  await writing(
    db.batch(statements).then(
      () => undefined,
      () => restore(),
    ),
  );
}

/**
 * Writes this isolate's counters now; used before answering a metrics query so it includes them.
 * It first waits for this isolate's writes still under way (counters they took are not in the
 * isolate any more, nor in D1 yet), so a query never misses counts its own isolate made.
 */
export async function flushMetrics(db: D1Database, now: Date): Promise<void> {
  await Promise.all([...underWay]);
  const { statements, restore } = metricStatements(db, now, true);
  if (statements.length === 0) return;
  try {
    await writing(db.batch(statements));
  } catch (error) {
    restore();
    throw error;
  }
}

/** This isolate's metric writes not yet settled. */
const underWay = new Set<Promise<unknown>>();

function writing<T>(write: Promise<T>): Promise<T> {
  const settled = write.then(
    () => undefined,
    () => undefined,
  );
  underWay.add(settled);
  void settled.then(() => underWay.delete(settled));
  return write;
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
       WHERE minute >= max(?2, 1) AND minute <= ?3 GROUP BY 1, scope, name, key ORDER BY 1`,
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
      const route = bucket.routes[row.name] ?? { delivered: 0, retried: 0, dead: 0, filtered: 0 };
      bucket.routes[row.name] = route;
      if (row.scope === "delivery" && (row.key === "delivered" || row.key === "retried" || row.key === "dead" || row.key === "filtered"))
        route[row.key] = (route[row.key] ?? 0) + row.count;
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
    const p50 = quantile(histogram, 0.5);
    const p99 = quantile(histogram, 0.99);
    if (route && p50 && p99) {
      const deliveries = [...histogram.values()].reduce((sum, n) => sum + n, 0);
      route.latencyMs = { p50: p50.value, p99: p99.value, deliveries, p50Within: [p50.from, p50.to], p99Within: [p99.from, p99.to] };
    }
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    bucket: query.bucket,
    buckets: [...buckets.values()],
  };
}
