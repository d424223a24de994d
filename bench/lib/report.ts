/**
 * bench/results/latest.json (every number) and latest.md (tables, ratios, PASS/MISS).
 * Ratios are the result; absolute numbers depend on this machine and on Miniflare's simulators.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BatchesResult, batchesSection } from "./batches";
import type { BundleSize } from "./build";
import type { DeliveryResult } from "./delivery";
import type { CellResult } from "./load";
import type { Rounds, Spread } from "./rounds";
import { flags, type Row, type Target } from "./suite";

export interface Report {
  date: string;
  machine: { cpu: string; cores: number; node: string; os: string; loadAvgAtStart: number[] };
  tools: Record<string, string>;
  settings: Record<string, unknown>;
  ingest: Row[];
  ingestRounds: Rounds;
  eventLogRounds: Rounds;
  inMemory: Row[];
  inMemoryRounds: Rounds;
  delivery: DeliveryResult;
  bundle: BundleSize & { wranglerSays: string };
  targets: Target[];
  batches?: BatchesResult;
}

const DISCLAIMER =
  "KV and Queues here are Miniflare's local simulators; their latency is not Cloudflare's; ratios, not absolute numbers, are the result. " +
  "Miniflare's KV put alone costs about 1.5 ms on this machine and its queue broker fails above about 1,300 messages/s; on Cloudflare both behave differently. " +
  "The load generator (autocannon, in the bench's own Node process) shares the 2 cores with workerd, and other work on the machine comes and goes, " +
  "so absolute req/s are far below what one Workers isolate serves and single cells are noisy; the targets use the median of paired rounds.";

export function writeReport(dir: string, report: Report): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, "latest.md"), markdown(report));
}

function markdown(r: Report): string {
  const m = r.machine;
  return [
    "# hookgate benchmark",
    "",
    `${r.date} · ${m.cpu} × ${m.cores} · Node ${m.node} · ${m.os} · ${Object.entries(r.tools)
      .map(([k, v]) => `${k} ${v}`)
      .join(" · ")}`,
    `Load average at start: ${m.loadAvgAtStart.join(" / ")} (1/5/15 min; the machine is shared, and each row notes the load when it ended).`,
    "",
    `> ${DISCLAIMER}`,
    "",
    "## Targets",
    "",
    `Median over paired rounds at 10 connections (${r.ingestRounds.rounds} rounds for (a)/(b), ${r.inMemoryRounds.rounds} for (c), ${r.ingestRounds.seconds} s a cell), with the lowest and highest round.`,
    "",
    "| target | median | rounds | goal | result |",
    "|---|---|---|---|---|",
    ...r.targets.map((t) => `| ${t.name} | ${t.measured ?? "n/a"}${t.unit} | ${t.range} | ${t.goal} | ${t.pass ? "PASS" : "**MISS**"} |`),
    "",
    "## (a)/(b) Ingest with the ledger and Queues: the gateway against a bare worker with the same I/O",
    "",
    `Each cell: ${r.settings.warmupSeconds} s warm-up, then ${r.settings.cellSeconds} s measured; requests built and signed before the window; unique ids for "accepted"; ` +
      '"duplicate" repeats one already-accepted request; "rejected" carries a wrong HMAC (401). ' +
      "The queue has no consumer in these runs: Miniflare's broker answers each sendBatch and drops the messages. " +
      "The bare worker reads and parses the body, then makes one Durable Object call that looks the key up and holds it, DELIVERIES.sendBatch of one message of the same shape, and waitUntil(a second call that inserts the row). " +
      "Rejected is compared with the body-only worker of (c), measured later: neither touches a binding.",
    "",
    table(r.ingest, baselineOfIngest, r.inMemory),
    "",
    `Paired rounds (10 connections, baseline \`${r.ingestRounds.baseline}\`):`,
    "",
    roundsTable(r.ingestRounds),
    "",
    "## (f) The event log's cost: the same gateway with the log on and off",
    "",
    "Both workers have a local D1 bound; the second has `eventLog.enabled: false`. The log's write is one D1 batch per request, in waitUntil, after the answer. " +
      "Miniflare's D1 is a local SQLite file: its write cost is this machine's, not Cloudflare's, and it shares the cores with the load generator.",
    "",
    `Paired rounds (10 connections, baseline \`${r.eventLogRounds.baseline}\`):`,
    "",
    roundsTable(r.eventLogRounds),
    "",
    "## (c) The gateway's own work: bindings replaced by in-memory stand-ins, against a bare worker that only reads the body",
    "",
    "The in-memory gateway is src/index.ts's default export called with DEDUP/STATE as Map-backed KV stand-ins and DELIVERIES as a queue that only counts; " +
      "the baseline is a bare Hono worker that reads the body and answers 202 JSON.",
    "",
    table(r.inMemory, () => "c.bare-body.accepted.bench-hmac"),
    "",
    "### Where the difference goes: paired rounds of variants (10 connections)",
    "",
    "Each variant changes one thing: `quiet` replaces console.log with a no-op (the gateway's one log line per request), `bench-none` and `bench-basic` swap the HMAC rule for no auth or Basic, " +
      "`duplicate` stops before building and enqueuing the envelope, `rejected` stops at auth (401). " +
      '"µs/request over baseline" is 1/req/s − 1/req/s(baseline): what a request costs on top of the bare worker while workerd is saturated; ' +
      '"vs the gateway" is the same against the unchanged gateway in the same round (negative: the variant is cheaper by that much). Medians, with the lowest and highest round.',
    "",
    roundsTable(r.inMemoryRounds),
    "",
    "## (d) Delivery: queue consumer to a local sink",
    "",
    deliverySection(r.delivery),
    "",
    ...(r.batches ? [batchesSection(r.batches), ""] : []),
    "## (e) Bundle",
    "",
    `\`wrangler deploy --dry-run\` output, gzip -9: **${r.bundle.gzipKiB} KiB** (${r.bundle.gzipBytes} bytes; ${r.bundle.bytes} bytes raw). wrangler says: ${r.bundle.wranglerSays}.`,
    "",
    "Largest parts of the bundle (bytes each input left in the output, from wrangler's esbuild metafile):",
    "",
    "| input | bytes |",
    "|---|---|",
    ...r.bundle.largest.map((p) => `| ${p.input} | ${p.bytes} |`),
    "",
  ].join("\n");
}

function baselineOfIngest(row: Row): string | undefined {
  if (row.target === "bare-io") return undefined;
  if (row.scenario === "rejected") return "c.bare-body.accepted.bench-hmac";
  return `b.bare-io.${row.scenario}.bench-hmac`;
}

function table(rows: Row[], baselineOf: (row: Row) => string | undefined, extra: Row[] = []): string {
  const all = [...rows, ...extra];
  const lines = [
    "| target | scenario | source | conns | req/s | p50 ms | p99 ms | req/s vs baseline | p99 vs baseline | notes |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    const baseKey = baselineOf(row);
    for (const cell of row.cells) {
      const base = baseKey && baseKey !== row.key ? all.find((r) => r.key === baseKey)?.cells.find((c) => c.connections === cell.connections) : undefined;
      const ratios = base ? [`${ratio(cell.rps, base.rps)}x`, `${ratio(cell.p99, base.p99)}x`] : ["", ""];
      lines.push(
        `| ${row.target} | ${row.scenario} | ${row.source} | ${cell.connections} | ${cell.rps} | ${cell.p50} | ${cell.p99} | ${ratios.join(" | ")} | ${notes(cell, row)} |`,
      );
    }
  }
  return lines.join("\n");
}

function roundsTable(rounds: Rounds): string {
  const withRef = rounds.reference !== undefined;
  const head = ["target", "scenario", "source", "req/s (median)", "p99 ms (median)", "req/s vs baseline", "p99 vs baseline", "µs/request over baseline"];
  if (withRef) head.push("µs/request vs the gateway");
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---|").join("")}`];
  for (const row of rounds.rows) {
    const isBase = row.key === rounds.baseline;
    const cells = isBase ? ["baseline", "", ""] : [range(row.rpsRatio, "x"), range(row.p99Ratio, "x"), range(row.extraMicros, "")];
    if (withRef) cells.push(row.key === rounds.reference ? "reference" : row.vsReference ? range(row.vsReference, "") : "");
    lines.push(`| ${row.target} | ${row.scenario} | ${row.source} | ${row.rps.median} | ${row.p99.median} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function range(s: Spread, unit: string): string {
  return `${s.median}${unit} (${s.min}–${s.max})`;
}

function notes(cell: CellResult, row: Row): string {
  return `load ${row.loadAvg}, client CPU ${cell.loadGenCpuPercent}%${flags(cell).replace(/^ +/, " ")}`;
}

function deliverySection(d: DeliveryResult): string {
  return [
    `${d.messages} notifications sent at ${d.ingestRate}/s through ingest while the sink held its answers; then the sink opened and the consumer drained the queue.`,
    `Consumer: maxBatchSize ${d.consumer.maxBatchSize}, maxBatchTimeout ${d.consumer.maxBatchTimeout} s, maxRetries ${d.consumer.maxRetries}. ` +
      "Miniflare's broker hands a consumer one batch at a time, so this is the batch size over one batch's round trip, not Cloudflare's consumer concurrency.",
    "",
    "| accepted | held at release | received | distinct ids | drain s | delivered/s | complete |",
    "|---|---|---|---|---|---|---|",
    `| ${d.accepted} | ${d.heldAtRelease} | ${d.received} | ${d.distinctIds} | ${d.drainSeconds} | **${d.deliveredPerSecond}** | ${d.complete ? "yes" : "**no**"} |`,
  ].join("\n");
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return undefined;
  return Math.round((a / b) * 100) / 100;
}
