/**
 * `npm run bench:transform`: what a route's transform costs (docs/transforms.md).
 *
 * 1. CPU: expressions built to do the most work they can (loops, deep recursion, scans of the whole
 *    envelope, sorting) on a 1 MiB envelope, each evaluation timed alone with process.cpuUsage()
 *    in this Node process (V8, the engine workerd runs; workerd's clocks stand still while code
 *    runs, so CPU time cannot be read inside it). Goal: none over 10 ms.
 * 2. Rate: the same delivery with and without a typical transform, over HTTP to a local receiver
 *    on 127.0.0.1 (an ephemeral port): the body (the envelope's JSON, or applyTransform's), its
 *    Standard Webhooks signature (node:crypto's HMAC: the consumer's signing module needs
 *    workerd's types), the POST. Goal: at least 0.8× the rate without.
 *
 * Writes bench/results/transform.{md,json}; exit 1 on a miss.
 */
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { readCommandLine } from "../scripts/lib/args";
import type { Envelope } from "../src/envelope";
import { applyTransform } from "../src/routing/transform";
import { MAX_TRANSFORM_DEPTH, MAX_TRANSFORM_WORK } from "../src/routing/transform-budget";
import { ROOT } from "./lib/build";
import { boleto, cases, oneMiBOfBoletos } from "./lib/transform-cases";

readCommandLine(process.argv.slice(2), {
  help: `npm run bench:transform

Times route transforms: the worst expressions on a 1 MiB envelope (goal: none over 10 ms of CPU),
and delivery with a typical transform against the same route without (goal: at least 0.8x the
rate), and writes bench/results/transform.{md,json}. Exit 1 on a miss.

  -h, --help        this text`,
  options: {},
});

const WARM_UP = 10;
const RUNS = 30;
const GOAL_MS = 10;
const GOAL_RATIO = 0.8;
const DELIVERIES = 3000;
const CONCURRENCY = 50;

function envelopeOf(data: unknown): Envelope {
  return {
    specversion: "1.0",
    id: "bs2:bench",
    source: "/hooks/bs2",
    type: "bs2.boleto.settled",
    time: "2026-12-01T10:00:00-03:00",
    datacontenttype: "application/json",
    data,
    receivedat: "2026-12-01T13:00:01.000Z",
  };
}

const big = oneMiBOfBoletos(envelopeOf);
const ERP = '{"boleto": data.NossoNumeroBoleto, "order": data.SeuNumeroBoleto, "amount": $number(data.Valor), "paidAt": time}';

/** The garbage collector's pauses, to tell an evaluation's own time from a collection that fell in it. */
const pauses: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
}).observe({ entryTypes: ["gc"] });

async function timed(run: () => Promise<unknown>): Promise<{ cpuMs: number; start: number; end: number }> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await run();
  const spent = process.cpuUsage(cpu);
  return { cpuMs: (spent.user + spent.system) / 1000, start, end: performance.now() };
}

/** Milliseconds of garbage-collection pauses inside a window (the observer reports them after a turn). */
function pausedMs(start: number, end: number): number {
  return pauses.reduce((sum, p) => sum + Math.max(0, Math.min(end, p.end) - Math.max(start, p.start)), 0);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number) => Math.round(n * 100) / 100;

async function cpuRows() {
  const rows = [];
  for (const { name, expression } of cases) {
    for (let i = 0; i < WARM_UP; i++) await applyTransform(expression, big);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await timed(() => applyTransform(expression, big)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const times = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
    const withoutPauses = runs.map((r) => Math.max(0, r.cpuMs - pausedMs(r.start, r.end)));
    const outcome = await applyTransform(expression, big);
    rows.push({
      name,
      expression,
      outcome: outcome.ok ? `ok, ${outcome.body.length} bytes` : outcome.error.replace(/^the transform failed at position \d+ /, "").slice(0, 80),
      medianMs: round(quantile(times, 0.5)),
      p95Ms: round(quantile(times, 0.95)),
      maxMs: round(times.at(-1)!),
      maxLessGcMs: round(Math.max(...withoutPauses)),
    });
  }
  return rows;
}

const SECRET = Buffer.from("transform-bench-signing-key");

/** Deliveries a second to a local receiver, `CONCURRENCY` at a time, with or without the transform. */
async function deliveryRate(url: string, transform: string | undefined): Promise<number> {
  const envelope = envelopeOf(boleto(7));
  let next = 0;
  const worker = async () => {
    while (next < DELIVERIES) {
      next += 1;
      const e = { ...envelope, id: `bs2:bench-${next}` };
      let body = JSON.stringify(e);
      if (transform !== undefined) {
        const shaped = await applyTransform(transform, e);
        if (!shaped.ok) throw new Error(shaped.error);
        body = shaped.body;
      }
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = `v1,${createHmac("sha256", SECRET).update(`${e.id}.${timestamp}.${body}`).digest("base64")}`;
      const headers = { "content-type": "application/json", "webhook-id": e.id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
      const response = await fetch(url, { method: "POST", headers, body });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`status ${response.status}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return DELIVERIES / ((performance.now() - started) / 1000);
}

async function rateRows() {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end("ok"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  // Alternating rounds, so the machine's load falls on both alike; the first pair warms up.
  const plainRates: number[] = [];
  const transformedRates: number[] = [];
  for (let round = 0; round < 4; round++) {
    const p = await deliveryRate(url, undefined);
    const t = await deliveryRate(url, ERP);
    if (round > 0) {
      plainRates.push(p);
      transformedRates.push(t);
    }
  }
  server.close();
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  return { plainPerSecond: Math.round(median(plainRates)), transformedPerSecond: Math.round(median(transformedRates)) };
}

const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const rows = await cpuRows();
const rate = await rateRows();
const ratio = round(rate.transformedPerSecond / rate.plainPerSecond);
const worst = Math.max(...rows.map((r) => r.maxMs));
const worstLessGc = Math.max(...rows.map((r) => r.maxLessGcMs));
const report = {
  date: new Date().toISOString(),
  node: process.version,
  loadAtStart,
  envelopeBytes: JSON.stringify(big).length,
  limits: { work: MAX_TRANSFORM_WORK, depth: MAX_TRANSFORM_DEPTH },
  goalMs: GOAL_MS,
  worstMaxMs: worst,
  worstMaxLessGcMs: worstLessGc,
  rows,
  rate: { ...rate, ratio, goal: GOAL_RATIO, deliveries: DELIVERIES, concurrency: CONCURRENCY, transform: ERP },
  pass: worst <= GOAL_MS && ratio >= GOAL_RATIO,
};

const md = [
  "# Route transforms: CPU on a 1 MiB envelope, and the delivery rate",
  "",
  `${report.date} · Node ${report.node} (V8) · \`npm run bench:transform\` · load average at start ${loadAtStart.join(" / ")} (the machine is shared by several engineers: CPU time grows with its load)`,
  "",
  `## CPU of one evaluation on a ${report.envelopeBytes.toLocaleString("en")}-byte envelope`,
  "",
  `Budget: ${MAX_TRANSFORM_WORK.toLocaleString("en")} units of work, ${MAX_TRANSFORM_DEPTH} levels deep. ${WARM_UP} warm-up evaluations, then ${RUNS} timed one by one.`,
  "",
  "| expression | outcome | median ms | p95 ms | max ms | max ms less GC pauses |",
  "|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${r.outcome.replaceAll("|", "\\|")} | ${r.medianMs} | ${r.p95Ms} | ${r.maxMs} | ${r.maxLessGcMs} |`),
  "",
  `Worst single evaluation: **${worst} ms** CPU (goal ≤ ${GOAL_MS} ms): ${worst <= GOAL_MS ? "PASS" : "MISS"}. Less the garbage collector's pauses that fell inside each evaluation (node:perf_hooks "gc" entries: mostly collecting what the evaluations before it left): **${worstLessGc} ms**.`,
  "",
  "## Delivery rate with and without a typical transform",
  "",
  `${DELIVERIES} signed deliveries of a BS2 boleto envelope, ${CONCURRENCY} at a time, to a receiver on 127.0.0.1 (the body, its Standard Webhooks signature, the POST); the median of three alternating rounds after a warm-up round. Transform: \`${ERP}\`.`,
  "",
  "| route | deliveries/s |",
  "|---|---|",
  `| without a transform | ${rate.plainPerSecond} |`,
  `| with the transform | ${rate.transformedPerSecond} |`,
  "",
  `Ratio **${ratio}** (goal ≥ ${GOAL_RATIO}): ${ratio >= GOAL_RATIO ? "PASS" : "MISS"}.`,
  "",
].join("\n");

const dir = join(ROOT, "bench/results");
writeFileSync(join(dir, "transform.md"), md);
writeFileSync(join(dir, "transform.json"), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(md);
process.exitCode = report.pass ? 0 : 1;
