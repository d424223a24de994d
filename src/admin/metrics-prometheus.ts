/**
 * The Prometheus text exposition format, version 0.0.4: a plain description of metric families
 * in, the text a scraper reads out. Pure. Names and label names are the caller's constants;
 * label values and help texts are escaped here (docs/observability.md).
 */
export type Labels = Record<string, string>;

export type MetricFamily =
  | { type: "counter" | "gauge"; name: string; help: string; samples: { labels: Labels; value: number }[] }
  | { type: "histogram"; name: string; help: string; samples: HistogramSample[] };

/** `buckets`: each upper bound with the count of observations at or below it, ascending; `+Inf` is added. */
export interface HistogramSample {
  labels: Labels;
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function renderPrometheus(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (!NAME.test(family.name)) throw new Error(`not a Prometheus metric name: ${family.name}`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === "histogram") {
      for (const sample of family.samples) lines.push(...histogramLines(family.name, sample));
    } else {
      for (const sample of family.samples) lines.push(line(family.name, sample.labels, sample.value));
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

function histogramLines(name: string, sample: HistogramSample): string[] {
  const buckets = sample.buckets.filter((b) => Number.isFinite(b.le));
  return [
    ...buckets.map((b) => line(`${name}_bucket`, { ...sample.labels, le: number(b.le) }, b.count)),
    line(`${name}_bucket`, { ...sample.labels, le: "+Inf" }, sample.count),
    line(`${name}_sum`, sample.labels, sample.sum),
    line(`${name}_count`, sample.labels, sample.count),
  ];
}

function line(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([label, v]) => {
    if (!LABEL_NAME.test(label) || label.startsWith("__")) throw new Error(`not a Prometheus label name: ${label}`);
    return `${label}="${escapeLabelValue(v)}"`;
  });
  return `${name}${pairs.length === 0 ? "" : `{${pairs.join(",")}}`} ${number(value)}`;
}

/** Label values: backslash, double quote and line feed are escaped (the format's three). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n"));
}

/** Help texts: backslash and line feed. */
function escapeHelp(help: string): string {
  return help.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

function number(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
