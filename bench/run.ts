/**
 * `npm run bench`: builds the gateway and the comparison workers with wrangler, runs each
 * under Miniflare on 127.0.0.1, measures (a)-(e) of the benchmark issue, and writes
 * bench/results/latest.{md,json} (a quick look, `BENCH_SECONDS` below 4, writes
 * bench/results/quick/ instead unless `--write-latest` is given: lib/destination.ts). Exits 1 when a measurement is not valid (a build or server
 * failed, a cell saw unexpected answers, the delivery run lost messages); a missed target is
 * reported as MISS, not as a failure of the run.
 */
import { cpus, loadavg, platform, release } from "node:os";
import { join } from "node:path";
import { readCommandLine } from "../scripts/lib/args";
import { batchTargets, measureBatches } from "./lib/batches";
import { buildAll, bundleSize, ROOT } from "./lib/build";
import { benchConfig, LIMITS } from "./lib/config";
import { measureDelivery } from "./lib/delivery";
import { DEFAULT_CELL_SECONDS, reportDestination, WRITE_LATEST_FLAG } from "./lib/destination";
import { runBench } from "./lib/entry";
import { measureGoverned, writeGoverned } from "./lib/governed";
import type { CellResult } from "./lib/load";
import { type Report, writeReport } from "./lib/report";
import { type Rounds, runRounds, type Spread } from "./lib/rounds";
import { BARE_IO_OBJECTS, closeAll, GATEWAY_OBJECTS, startWorker } from "./lib/servers";
import { type Plan, type Row, runPlans, type Target } from "./lib/suite";
import { toolVersions } from "./lib/versions";

/** Ingest runs never deliver (no consumer); the route only has to be a valid URL. */
const NO_SINK = "http://127.0.0.1:9/events";

async function main(writeLatest: boolean): Promise<number> {
  const loadAvgAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
  log(`building with wrangler (load average ${loadAvgAtStart[0]})`);
  const builds = await buildAll();
  const bundle = { ...bundleSize(builds.gateway), wranglerSays: builds.wranglerSays };
  log(`bundle: ${bundle.gzipKiB} KiB gzip`);

  const { ingest, ingestRounds } = await measureIngest(builds.gateway, builds.workers["bare-io"]);
  await closeAll();
  const eventLogRounds = await measureEventLog(builds.gateway);
  await closeAll();
  const { inMemory, inMemoryRounds } = await measureInMemory(builds.workers["gateway-inmemory"], builds.workers["bare-body"]);
  await closeAll();
  const batches = await measureIssue13(builds.gateway, builds.workers["gateway-inmemory"]);
  await closeAll();
  log("delivery: consumer to a local sink");
  const delivery = await measureDelivery(builds.gateway);
  log(`delivery: ${delivery.deliveredPerSecond}/s, ${delivery.distinctIds}/${delivery.messages} delivered`);
  await closeAll();
  // Issue 21's rows, in their own section (bench/results/governed.md); `npm run bench:governed` runs them alone.
  const governed = await measureGoverned(builds.gateway, log);
  await closeAll();

  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.version, os: `${platform()} ${release()}`, loadAvgAtStart },
    tools: toolVersions(),
    settings: { ...LIMITS },
    ingest,
    ingestRounds,
    eventLogRounds,
    inMemory,
    inMemoryRounds,
    delivery,
    bundle,
    targets: [...targets(ingestRounds, inMemoryRounds, eventLogRounds, bundle.gzipKiB), ...batchTargets(batches)],
    batches,
  };
  const destination = reportDestination(LIMITS.cellSeconds, writeLatest ? [WRITE_LATEST_FLAG] : []);
  writeReport(join(ROOT, destination.dir), report);
  writeGoverned(join(ROOT, destination.dir), governed);
  log(`governed: ordered over plain ${governed.orderedOverPlain}x (goal ≥ 0.5x)`);
  for (const t of report.targets) log(`${t.pass ? "PASS" : "MISS"}  ${t.name}: ${t.measured ?? "n/a"}${t.unit} (goal ${t.goal})`);
  log(destination.note);

  const rows = [
    ...ingest,
    ...inMemory,
    ...ingestRounds.rows,
    ...eventLogRounds.rows,
    ...inMemoryRounds.rows,
    ...[batches.strictVsKv, batches.pixReal, batches.pixInMemory].map((p) => ({ key: p.name, cells: p.rounds.flatMap((r) => [r.subject, r.baseline]) })),
  ];
  const invalid = rows.flatMap((row) => row.cells.filter((c) => !valid(c)).map((c) => `${row.key} c=${c.connections}`));
  if (!delivery.complete) invalid.push("delivery: not every notification reached the sink exactly once");
  for (const row of governed.rows) if (!row.complete || row.outOfOrderKeys > 0) invalid.push(`governed: ${row.name} lost or reordered deliveries`);
  for (const problem of invalid) console.error(`bench: invalid measurement: ${problem}`);
  return invalid.length > 0 ? 1 : 0;
}

async function measureIngest(gatewayScript: string, bareIoScript: string): Promise<{ ingest: Row[]; ingestRounds: Rounds }> {
  const config = benchConfig(NO_SINK);
  const gateway = await startWorker({ scriptPath: gatewayScript, config, bindings: true, objects: GATEWAY_OBJECTS });
  const bare = await startWorker({ scriptPath: bareIoScript, config, bindings: true, objects: BARE_IO_OBJECTS });
  log(`(a)/(b) ingest: gateway ${gateway.url}, bare-io ${bare.url}`);
  const ingest = await runPlans(
    [
      planOf("a.gateway.accepted.bench-hmac", gateway.url),
      planOf("b.bare-io.accepted.bench-hmac", bare.url),
      planOf("a.gateway.duplicate.bench-hmac", gateway.url),
      planOf("b.bare-io.duplicate.bench-hmac", bare.url),
      planOf("a.gateway.rejected.bench-hmac", gateway.url),
    ],
    log,
  );
  const rounds = [
    planOf("b.bare-io.accepted.bench-hmac", bare.url),
    planOf("a.gateway.accepted.bench-hmac", gateway.url),
    planOf("a.gateway.accepted.bench-basic", gateway.url),
  ];
  return { ingest, ingestRounds: await runRounds(rounds, { baseline: rounds[0]!.key }, LIMITS.ingestRounds, log) };
}

/** (f) The same gateway, with D1 bound both times: the event log on against the log off. */
async function measureEventLog(gatewayScript: string): Promise<Rounds> {
  const on = await startWorker({ scriptPath: gatewayScript, config: benchConfig(NO_SINK), bindings: true, eventLog: true, objects: GATEWAY_OBJECTS });
  const off = await startWorker({
    scriptPath: gatewayScript,
    config: { ...benchConfig(NO_SINK), eventLog: { enabled: false } },
    bindings: true,
    eventLog: true,
    objects: GATEWAY_OBJECTS,
  });
  log(`(f) event log: on ${on.url}, off ${off.url}`);
  const rounds = [planOf("f.gateway-log-off.accepted.bench-hmac", off.url), planOf("f.gateway-log-on.accepted.bench-hmac", on.url)];
  return runRounds(rounds, { baseline: rounds[0]!.key }, LIMITS.ingestRounds, log);
}

async function measureInMemory(inMemoryScript: string, bareBodyScript: string): Promise<{ inMemory: Row[]; inMemoryRounds: Rounds }> {
  const config = benchConfig(NO_SINK);
  const gateway = await startWorker({ scriptPath: inMemoryScript, config, bindings: false });
  const quiet = await startWorker({ scriptPath: inMemoryScript, config, bindings: false, vars: { BENCH_QUIET: "1" } });
  const bare = await startWorker({ scriptPath: bareBodyScript, config, bindings: false });
  log(`(c) in-memory: gateway ${gateway.url}, bare-body ${bare.url}`);
  const inMemory = await runPlans([planOf("c.gateway-inmemory.accepted.bench-hmac", gateway.url), planOf("c.bare-body.accepted.bench-hmac", bare.url)], log);
  const rounds = [
    planOf("c.bare-body.accepted.bench-hmac", bare.url),
    planOf("c.gateway-inmemory.accepted.bench-hmac", gateway.url),
    planOf("c.gateway-inmemory-quiet.accepted.bench-hmac", quiet.url),
    planOf("c.gateway-inmemory.accepted.bench-none", gateway.url),
    planOf("c.gateway-inmemory.accepted.bench-basic", gateway.url),
    planOf("c.gateway-inmemory.duplicate.bench-hmac", gateway.url),
    planOf("c.gateway-inmemory.rejected.bench-hmac", gateway.url),
  ];
  const keys = { baseline: rounds[0]!.key, reference: rounds[1]!.key };
  return { inMemory, inMemoryRounds: await runRounds(rounds, keys, LIMITS.inMemoryRounds, log) };
}

async function measureIssue13(gatewayScript: string, inMemoryScript: string) {
  const config = benchConfig(NO_SINK);
  const real = await startWorker({ scriptPath: gatewayScript, config, bindings: true, strictDedup: true, objects: GATEWAY_OBJECTS });
  const inMemory = await startWorker({ scriptPath: inMemoryScript, config, bindings: false });
  log(`strict dedup and Pix batches: gateway ${real.url}, in-memory ${inMemory.url}`);
  return measureBatches({ real: real.url, inMemory: inMemory.url }, log);
}

/** "section.target.scenario.source" into a plan. */
function planOf(key: string, url: string, connections: readonly number[] = LIMITS.connections): Plan {
  const [, target, scenario, source] = key.split(".") as [string, string, Plan["scenario"], Plan["source"]];
  return { key, target, url, scenario, source, connections };
}

function targets(ingestRounds: Rounds, inMemoryRounds: Rounds, eventLogRounds: Rounds, gzipKiB: number): Target[] {
  const logged = eventLogRounds.rows.find((r) => r.key === "f.gateway-log-on.accepted.bench-hmac");
  const gw = ingestRounds.rows.find((r) => r.key === "a.gateway.accepted.bench-hmac");
  const mem = inMemoryRounds.rows.find((r) => r.key === "c.gateway-inmemory.accepted.bench-hmac");
  const target = (name: string, s: Spread | undefined, goal: string, pass: (n: number) => boolean): Target => ({
    name,
    measured: s?.median,
    range: s ? `${s.min}–${s.max}` : "",
    unit: "x",
    goal,
    pass: s !== undefined && pass(s.median),
  });
  return [
    target("(a)/(b) accepted req/s at 10 connections, gateway / bare worker with the same I/O", gw?.rpsRatio, "≥ 0.9x", (n) => n >= 0.9),
    target("(a)/(b) accepted p99 at 10 connections, gateway / bare worker with the same I/O", gw?.p99Ratio, "≤ 1.3x", (n) => n <= 1.3),
    target("(c) req/s at 10 connections, gateway with in-memory bindings / body-only worker", mem?.rpsRatio, "≥ 0.8x", (n) => n >= 0.8),
    target("(f) accepted req/s at 10 connections, gateway with the event log / without", logged?.rpsRatio, "≥ 0.9x", (n) => n >= 0.9),
    target("(f) accepted p99 at 10 connections, gateway with the event log / without", logged?.p99Ratio, "report", () => true),
    // The budget .ci/run holds the bundle to (docs/benchmarks.md, "The bundle's budget").
    { name: "(e) bundle, gzip", measured: gzipKiB, range: "", unit: " KiB", goal: "< 200 KiB", pass: gzipKiB < 200 },
  ];
}

/** At most 1% unexpected answers, no connection errors, no repeated ids in an "accepted" cell. */
function valid(cell: CellResult): boolean {
  const unexpected = Object.values(cell.unexpected).reduce((a, b) => a + b, 0);
  return cell.responses > 0 && unexpected <= cell.responses / 100 && cell.errors === 0 && cell.overflow === 0;
}

function log(line: string): void {
  console.log(`bench: ${line}`);
}

const { values } = readCommandLine(process.argv.slice(2), {
  help: `npm run bench [-- ${WRITE_LATEST_FLAG}]

Builds the gateway and the comparison workers with wrangler, runs each under Miniflare on
127.0.0.1, measures the benchmark issue's (a)-(e) and writes bench/results/latest.{md,json}.
Exit 1 when a measurement is not valid; a missed target is reported as MISS.

  ${WRITE_LATEST_FLAG}    write the committed bench/results/latest.* even from a quick look
  -h, --help        this text

Environment: BENCH_SECONDS (1-10, default ${DEFAULT_CELL_SECONDS}) is each cell's length; below ${DEFAULT_CELL_SECONDS} it is a quick
look, written to bench/results/quick/. BENCH_PORTS (e.g. 9100-9199) is the port range used.`,
  options: { "write-latest": { type: "boolean", default: false } },
});

await runBench(() => main(values["write-latest"]));
