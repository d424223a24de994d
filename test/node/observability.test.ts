import { readFileSync } from "node:fs";
import { parser } from "@prometheus-io/lezer-promql";
import Ajv from "ajv";
import { createGenerator } from "ts-json-schema-generator";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { gatewayMetricFamilies } from "../../src/admin/metrics-families";

/** Every series name the exporter can write: each family, and a histogram's _bucket, _sum and _count. */
const EXPORTED = new Set(
  gatewayMetricFamilies({ totals: [], deadLetters: [], routes: [] }).flatMap((f) =>
    f.type === "histogram" ? [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name],
  ),
);

/** Grafana's variables replaced as Grafana does before the query reaches Prometheus. */
function asPrometheusSees(expr: string): string {
  return expr.replaceAll("$__rate_interval", "5m").replaceAll(/\$(source|route)\b/g, ".*");
}

/** Parsed by Prometheus's own PromQL grammar: the syntax errors, and the metric names it selects. */
function promql(expr: string): { errors: number; metrics: string[] } {
  const text = asPrometheusSees(expr);
  const tree = parser.parse(text);
  let errors = 0;
  const metrics: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors++;
      if (node.name === "VectorSelector") {
        const name = node.node.getChild("Identifier");
        if (name) metrics.push(text.slice(name.from, name.to));
      }
    },
  });
  return { errors, metrics };
}

function expectValidQuery(expr: string): void {
  const { errors, metrics } = promql(expr);
  expect(errors, expr).toBe(0);
  expect(metrics.length, expr).toBeGreaterThan(0);
  for (const metric of metrics) expect(EXPORTED, `${metric} in ${expr}`).toContain(metric);
}

describe("the PromQL check itself", () => {
  it("finds a syntax error and a metric the gateway does not export", () => {
    expect(promql("sum by (route (rate(hookgate_deliveries_total[5m]))").errors).toBeGreaterThan(0);
    expect(promql("rate(hookgate_delivery_total[5m])").metrics).toEqual(["hookgate_delivery_total"]);
    expect(EXPORTED).not.toContain("hookgate_delivery_total");
    expect(EXPORTED).toContain("hookgate_delivery_latency_seconds_bucket");
  });
});

type Dashboard = {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string; query?: unknown }[] };
};
const DASHBOARD_FILE = "examples/grafana/hookgate-dashboard.json";

describe("the Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as Dashboard;

  it("is a dashboard as Grafana's published schema describes it, with no field it does not know", () => {
    // The `Dashboard` type of @grafana/schema (Grafana's dashboard kind), as a JSON Schema.
    const schema = createGenerator({
      path: "node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts",
      type: "Dashboard",
      skipTypeCheck: true,
      additionalProperties: false,
    }).createSchema("Dashboard");
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(dashboard), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // The same check refuses a misspelt field and a wrong type.
    const broken = structuredClone(dashboard) as unknown as { panels: Record<string, unknown>[]; schemaVersion: unknown };
    broken.panels[0]!.gridpos = broken.panels[0]!.gridPos;
    delete broken.panels[0]!.gridPos;
    broken.schemaVersion = "39";
    expect(validate(broken)).toBe(false);
  }, 60_000);

  it("draws requests by source and outcome, deliveries, latency p50 and p99, dead letters and route state", () => {
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    for (const expr of exprs) expectValidQuery(expr);
    expect(exprs.some((e) => e.includes("hookgate_requests_total") && e.includes("by (source, outcome)"))).toBe(true);
    expect(exprs.some((e) => e.includes("hookgate_deliveries_total") && e.includes("by (route, result)"))).toBe(true);
    expect(exprs.some((e) => e.startsWith("histogram_quantile(0.5,"))).toBe(true);
    expect(exprs.some((e) => e.startsWith("histogram_quantile(0.99,"))).toBe(true);
    expect(exprs.some((e) => e.includes("hookgate_dead_letters"))).toBe(true);
    expect(exprs.some((e) => e.includes("hookgate_route_state"))).toBe(true);
    const variables = JSON.stringify(dashboard.templating.list.map((v) => v.query));
    for (const [, metric] of variables.matchAll(/label_values\((\w+),/g)) expect(EXPORTED).toContain(metric);
  });
});

describe("the alerting rules and the PromQL in docs/observability.md", () => {
  type Rule = { alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } };
  const rules = (parseYaml(readFileSync("examples/prometheus/hookgate-alerts.yml", "utf8")) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

  it("are valid PromQL over metrics the gateway exports, each with a severity and a summary", () => {
    expect(rules.map((r) => r.alert)).toEqual([
      "HookgateSourceSilent",
      "HookgateSourceRefused",
      "HookgateUnavailable",
      "HookgateRouteFailing",
      "HookgateRouteNotActive",
      "HookgateDeadLettersGrowing",
      "HookgateDeliveryLate",
      "HookgateAnswerSlow",
      "HookgateEventLogUnrecorded",
    ]);
    for (const rule of rules) {
      expectValidQuery(rule.expr);
      expect(["warning", "critical"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
    }
  });

  it("the docs show the same expressions the rules file holds", () => {
    const doc = readFileSync("docs/observability.md", "utf8");
    const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks).toHaveLength(rules.length);
    for (const block of blocks) expectValidQuery(block);
    const normalized = (s: string) => s.replace(/\s+/g, " ").trim();
    expect(blocks.map(normalized)).toEqual(rules.map((r) => normalized(r.expr)));
  });
});

describe("the scrape configs", () => {
  it("scrape /admin/metrics?format=prometheus over https with the admin token from a file", () => {
    const prometheus = parseYaml(readFileSync("examples/prometheus/prometheus.yml", "utf8")) as {
      scrape_configs: { scheme: string; metrics_path: string; params: { format: string[] }; authorization: { type: string; credentials_file: string } }[];
    };
    const job = prometheus.scrape_configs[0]!;
    expect(job).toMatchObject({ scheme: "https", metrics_path: "/admin/metrics", params: { format: ["prometheus"] } });
    expect(job.authorization).toEqual({ type: "Bearer", credentials_file: "/etc/prometheus/hookgate-admin-token" });
    const alloy = readFileSync("examples/grafana/config.alloy", "utf8");
    expect(alloy).toContain('metrics_path      = "/admin/metrics"');
    expect(alloy).toContain('params            = { "format" = ["prometheus"] }');
    expect(alloy).toContain("bearer_token_file");
  });
});

describe("Workers Logs in wrangler.toml", () => {
  it("keeps every line (head sampling 1) and no invocation logs, as the cost table counts them", async () => {
    const { parse: parseToml } = await import("smol-toml");
    const { INVOCATION_LOGS } = await import("../../bench/lib/cost");
    const toml = parseToml(readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")) as {
      observability?: { logs?: { enabled?: boolean; head_sampling_rate?: number; invocation_logs?: boolean } };
    };
    expect(toml.observability?.logs).toMatchObject({ enabled: true, head_sampling_rate: 1, invocation_logs: INVOCATION_LOGS });
  });
});
