import { LATENCY_BOUNDS_MS, OPEN_BOUND } from "../observability/latency";
import type { HistogramSample, MetricFamily } from "./metrics-prometheus";

/** One counter's total since the beginning, as events/totals.ts reads it. */
interface MetricTotal {
  scope: string;
  name: string;
  key: string;
  count: number;
}

/** What a scrape shows, read from storage by the caller (plain data: this module reads no binding). */
export interface GatewayMetrics {
  /** The counters' totals since the beginning (events/totals.ts). */
  totals: MetricTotal[];
  /** Dead letters kept now (deadletters/tally.ts). */
  deadLetters: { kind: string; source: string; route: string; reason: string; count: number }[];
  /** Each route the gateway has, with its state. */
  routes: { id: string; state: RouteStateName }[];
  /** Each ledger shard's size, as the hourly check measured it (ledger/fill-report.ts). */
  ledgerShards?: { shard: number; bytes: number }[];
}

/** A route's states (its governor's mode): active, paused by an operator, open by its breaker. */
export const ROUTE_STATES = ["active", "paused", "open"] as const;
export type RouteStateName = (typeof ROUTE_STATES)[number];

/**
 * The gateway's metric families (docs/observability.md lists them). Pure. Counters render every
 * result the data holds, so a new one (a filtered delivery) appears without a change here.
 */
export function gatewayMetricFamilies(metrics: GatewayMetrics): MetricFamily[] {
  const of = (scope: string) => metrics.totals.filter((t) => t.scope === scope);
  return [
    {
      type: "counter",
      name: "hookgate_requests_total",
      help: "Answers of /hooks/{source} by outcome.",
      samples: of("ingest").map((t) => ({ labels: { source: t.name, outcome: t.key }, value: t.count })),
    },
    {
      type: "counter",
      name: "hookgate_deliveries_total",
      help: "Delivery attempts by route and result.",
      samples: of("delivery").map((t) => ({ labels: { route: t.name, result: t.key }, value: t.count })),
    },
    {
      type: "histogram",
      name: "hookgate_request_duration_seconds",
      help: "Time /hooks/{source} took to answer, measured in the Worker.",
      samples: durationSamples(of("answer"), of("answer_sum"), "source"),
    },
    {
      type: "histogram",
      name: "hookgate_delivery_latency_seconds",
      help: "Receipt to delivery, retries included; redeliveries and replays not timed.",
      samples: durationSamples(of("latency"), of("latency_sum"), "route"),
    },
    {
      type: "gauge",
      name: "hookgate_dead_letters",
      help: "Dead letters kept now.",
      samples: deadLetterSamples(metrics.deadLetters),
    },
    {
      type: "gauge",
      name: "hookgate_route_state",
      help: "1 for each route's state.",
      samples: metrics.routes.flatMap((r) => ROUTE_STATES.map((state) => ({ labels: { route: r.id, state }, value: r.state === state ? 1 : 0 }))),
    },
    {
      type: "counter",
      name: "hookgate_unrouted_total",
      help: "Envelopes no route's events and sources matched, by source: kept in the ledger (state unrouted), replayable from there.",
      samples: of("unrouted").map((t) => ({ labels: { source: t.name }, value: t.count })),
    },
    {
      type: "counter",
      name: "hookgate_reconcile_total",
      help: "Pix reconciliation by source and outcome: pages read, recovered, duplicate, unreadable, too_old (past dedup: not delivered), failed, expired (pages given up on).",
      samples: of("reconcile").map((t) => ({ labels: { source: t.name, outcome: t.key }, value: t.count })),
    },
    {
      type: "counter",
      name: "hookgate_event_log_unrecorded_total",
      help: "Event-log lines a ledger shard did not take.",
      samples: of("eventlog")
        .filter((t) => t.key === "unrecorded")
        .map((t) => ({ labels: {}, value: t.count })),
    },
    {
      type: "counter",
      name: "hookgate_ledger_confirm_failed_total",
      help: "Acceptances whose dedup marks a shard did not write (queued all the same; a retry may be delivered again).",
      samples: of("eventlog")
        .filter((t) => t.key === "confirm_failed")
        .map((t) => ({ labels: {}, value: t.count })),
    },
    {
      type: "counter",
      name: "hookgate_ledger_rows_reduced_total",
      help: "Event-log rows a shard refused whole and kept as their dedup mark alone.",
      samples: of("eventlog")
        .filter((t) => t.key === "reduced")
        .map((t) => ({ labels: {}, value: t.count })),
    },
    {
      type: "gauge",
      name: "hookgate_ledger_shard_bytes",
      help: "Each ledger shard's SQLite size, measured hourly; alert at 80 % of ledger.shardLimitBytes.",
      samples: (metrics.ledgerShards ?? []).map((s) => ({ labels: { shard: String(s.shard) }, value: s.bytes })),
    },
  ];
}

/** The dead-letter kinds (deadletters/record.ts), each with a series even when none is kept. */
const DEAD_LETTER_KINDS = ["delivery", "unrouted", "quarantine"] as const;

/**
 * Each kept count, and a 0 for a kind that has none (source, route and reason empty): with no
 * series at all, a Grafana panel or `sum()` shows "No data" instead of 0.
 */
function deadLetterSamples(kept: GatewayMetrics["deadLetters"]) {
  const none = DEAD_LETTER_KINDS.filter((kind) => !kept.some((d) => d.kind === kind));
  return [
    ...kept.map((d) => ({ labels: { kind: d.kind, source: d.source, route: d.route, reason: d.reason }, value: d.count })),
    ...none.map((kind) => ({ labels: { kind, source: "", route: "", reason: "" }, value: 0 })),
  ];
}

/** Per route or source: the per-bucket counts (ms) made cumulative over every bound, in seconds. */
function durationSamples(buckets: MetricTotal[], sums: MetricTotal[], label: "route" | "source"): HistogramSample[] {
  const names = [...new Set(buckets.map((b) => b.name))].sort();
  return names.map((name) => {
    const counts = new Map(buckets.filter((b) => b.name === name).map((b) => [b.key, b.count]));
    let below = 0;
    const cumulative = LATENCY_BOUNDS_MS.map((bound) => {
      below += counts.get(String(bound)) ?? 0;
      return { le: bound / 1000, count: below };
    });
    const sumMs = sums.find((s) => s.name === name)?.count ?? 0;
    return { labels: { [label]: name }, buckets: cumulative, sum: sumMs / 1000, count: below + (counts.get(OPEN_BOUND) ?? 0) };
  });
}
