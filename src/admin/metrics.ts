import { countDeadLetters } from "../deadletters/tally";
import type { App } from "../http/app";
import { SHARD_BYTES_KEY, type ShardBytes } from "../ledger/fill-report";
import { flushMetrics, queryMetrics } from "../observability/metrics";
import { MetricsQuery } from "../observability/schema";
import { readMetricTotals } from "../observability/totals";
import { routingRules } from "../routing/store";
import { metricsDb } from "./events";
import { gatewayMetricFamilies } from "./metrics-families";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from "./metrics-prometheus";
import { invalid } from "./read-json";
import { routeStateOf } from "./route-state";

/**
 * `GET /admin/metrics` (docs/contract.md §8.1): counts per minute or hour as JSON, or the totals
 * since the beginning in the Prometheus text format (`?format=prometheus`, or a scraper's
 * `Accept: text/plain`). Without the event log: 404.
 */
export function registerMetricsAdmin(app: App): void {
  app.get("/admin/metrics", async (c) => {
    const query = MetricsQuery.safeParse(c.req.query());
    if (!query.success) throw invalid(query.error, "(query)");
    const config = c.get("config");
    const db = metricsDb(c.env, config);
    const now = new Date();
    // This isolate's counters join the answer; other isolates' arrive within their flush interval.
    await flushMetrics(db, now);
    if (!wantsPrometheus(query.data.format, c.req.header("accept"))) return c.json(await queryMetrics(db, query.data, now));
    const [totals, deadLetters, routes, ledger] = await Promise.all([
      readMetricTotals(db),
      countDeadLetters(db, now.getTime()),
      routingRules(config, c.env.STATE),
      c.env.STATE.get<ShardBytes>(SHARD_BYTES_KEY, "json").catch(() => null),
    ]);
    // One governor call a route a scrape; a route whose governor cannot be read is left out, not guessed.
    const states = await Promise.all(routes.map(async (r) => ({ id: r.id, state: (await routeStateOf(c.env, r.id))?.state })));
    const known = states.flatMap((r) => (r.state === undefined ? [] : [{ id: r.id, state: r.state }]));
    const text = renderPrometheus(gatewayMetricFamilies({ totals, deadLetters, routes: known, ledgerShards: ledger?.shards }));
    return c.body(text, 200, { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" });
  });
}

/**
 * `format` decides when given; otherwise an Accept that names the text format (Prometheus and
 * Grafana Alloy send `text/plain;version=0.0.4` among their choices) or OpenMetrics, which
 * accepts the 0.0.4 text.
 */
export function wantsPrometheus(format: "json" | "prometheus" | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === "prometheus";
  const types = (accept ?? "").split(",").map((part) => part.split(";")[0]?.trim().toLowerCase());
  return types.some((type) => type === "text/plain" || type === "application/openmetrics-text");
}
