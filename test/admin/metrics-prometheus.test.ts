import { describe, expect, it } from "vitest";
import { gatewayMetricFamilies } from "../../src/admin/metrics-families";
import { escapeLabelValue, renderPrometheus } from "../../src/admin/metrics-prometheus";
import { parsePrometheus, sample } from "./prometheus-parser";

describe("the Prometheus text format", () => {
  it("escapes backslash, double quote and line feed in label values, and nothing else", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("pix:ção}{,=")).toBe("pix:ção}{,=");
  });

  it("writes HELP and TYPE lines, then samples, and a real parser reads back hostile label values", async () => {
    const hostile = 'route "x"\\y\nz';
    const text = renderPrometheus([
      {
        type: "counter",
        name: "t_requests_total",
        help: "Requests\nby source \\ outcome",
        samples: [{ labels: { source: hostile, outcome: "accepted" }, value: 3 }],
      },
      { type: "gauge", name: "t_open", help: "Open", samples: [{ labels: {}, value: 0 }] },
    ]);
    expect(text).toBe(
      [
        "# HELP t_requests_total Requests\\nby source \\\\ outcome",
        "# TYPE t_requests_total counter",
        't_requests_total{source="route \\"x\\"\\\\y\\nz",outcome="accepted"} 3',
        "# HELP t_open Open",
        "# TYPE t_open gauge",
        "t_open 0",
        "",
      ].join("\n"),
    );
    const parsed = await parsePrometheus(text);
    expect(Object.entries(parsed).map(([name, f]) => [name, f.type])).toEqual([
      ["t_requests_total", "counter"],
      ["t_open", "gauge"],
    ]);
    expect(parsed.t_requests_total?.data).toEqual([{ labels: { source: hostile, outcome: "accepted" }, value: 3 }]);
  });

  it("writes a histogram as cumulative _bucket lines with +Inf, _sum and _count, per label set", async () => {
    const text = renderPrometheus([
      {
        type: "histogram",
        name: "t_latency_seconds",
        help: "Latency",
        samples: [
          {
            labels: { route: "ledger" },
            buckets: [
              { le: 0.5, count: 1 },
              { le: 1, count: 3 },
            ],
            sum: 2.25,
            count: 4,
          },
          {
            labels: { route: "erp" },
            buckets: [
              { le: 0.5, count: 0 },
              { le: 1, count: 0 },
            ],
            sum: 0,
            count: 0,
          },
        ],
      },
    ]);
    expect(text).toContain('t_latency_seconds_bucket{route="ledger",le="0.5"} 1\n');
    expect(text).toContain('t_latency_seconds_bucket{route="ledger",le="+Inf"} 4\n');
    expect(text).toContain('t_latency_seconds_sum{route="ledger"} 2.25\n');
    const family = (await parsePrometheus(text)).t_latency_seconds;
    expect(family?.type).toBe("histogram");
    expect(family?.data).toEqual([
      { labels: { route: "ledger" }, buckets: { "0.5": 1, "1": 3, "+Inf": 4 }, sum: 2.25, count: 4 },
      { labels: { route: "erp" }, buckets: { "0.5": 0, "1": 0, "+Inf": 0 }, sum: 0, count: 0 },
    ]);
  });

  it("refuses a name or label name the format cannot carry, rather than writing a broken scrape", () => {
    expect(() => renderPrometheus([{ type: "gauge", name: "bad-name", help: "", samples: [] }])).toThrow(/metric name/);
    expect(() => renderPrometheus([{ type: "gauge", name: "ok", help: "", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }])).toThrow(/label name/);
  });
});

describe("the gateway's metric families", () => {
  it("turns totals into counters, a cumulative histogram in seconds, and one route-state series per state", async () => {
    const families = gatewayMetricFamilies({
      totals: [
        { scope: "ingest", name: "pix", key: "accepted", count: 7 },
        { scope: "delivery", name: "ledger", key: "filtered", count: 2 },
        { scope: "latency", name: "ledger", key: "100", count: 2 },
        { scope: "latency", name: "ledger", key: "1000", count: 1 },
        { scope: "latency", name: "ledger", key: "inf", count: 1 },
        { scope: "latency_sum", name: "ledger", key: "ms", count: 25_000_900 },
      ],
      deadLetters: [{ kind: "quarantine", source: "pix", route: "", reason: "invalid_payload", count: 2 }],
      routes: [{ id: "ledger", state: "active" }],
    });
    const parsed = await parsePrometheus(renderPrometheus(families));
    expect(parsed.hookgate_requests_total?.data).toEqual([{ labels: { source: "pix", outcome: "accepted" }, value: 7 }]);
    // A result the code has no word for yet (filters) is rendered as the data holds it.
    expect(parsed.hookgate_deliveries_total?.data).toEqual([{ labels: { route: "ledger", result: "filtered" }, value: 2 }]);
    const latency = sample(parsed, "hookgate_delivery_latency_seconds", { route: "ledger" });
    expect(Object.keys(latency?.buckets ?? {})).toHaveLength(32);
    expect(latency?.buckets?.["0.075"]).toBe(0);
    expect(latency?.buckets?.["0.1"]).toBe(2);
    expect(latency?.buckets?.["1"]).toBe(3);
    expect(latency?.buckets?.["21600"]).toBe(3);
    expect(latency?.buckets?.["+Inf"]).toBe(4);
    expect(latency?.count).toBe(4);
    expect(latency?.sum).toBe(25000.9);
    expect(parsed.hookgate_dead_letters?.data).toEqual([
      { labels: { kind: "quarantine", source: "pix", route: "", reason: "invalid_payload" }, value: 2 },
      { labels: { kind: "delivery", source: "", route: "", reason: "" }, value: 0 },
      { labels: { kind: "unrouted", source: "", route: "", reason: "" }, value: 0 },
    ]);
    expect(parsed.hookgate_route_state?.data).toEqual([
      { labels: { route: "ledger", state: "active" }, value: 1 },
      { labels: { route: "ledger", state: "paused" }, value: 0 },
      { labels: { route: "ledger", state: "open" }, value: 0 },
    ]);
  });
});

describe("hookgate_dead_letters with none kept", () => {
  it("has a series at 0 for each kind, so a panel or sum() shows 0, not No data", async () => {
    const families = gatewayMetricFamilies({ totals: [], deadLetters: [], routes: [{ id: "ledger", state: "active" }] });
    const parsed = await parsePrometheus(renderPrometheus(families));
    expect(parsed.hookgate_dead_letters?.data).toEqual(
      ["delivery", "unrouted", "quarantine"].map((kind) => ({ labels: { kind, source: "", route: "", reason: "" }, value: 0 })),
    );
  });
});
