/**
 * `npm run bench:ledger [-- --only cost,cpu,drain,console]`: the ledger's rows of the report, each
 * runnable alone (a full `npm run bench` is long):
 * - `cost per million, event log on` / `off`: the operations the workerd cost test meters
 *   (test/ledger/cost.test.ts holds the gateway to bench/lib/cost.ts), priced, with monthly totals;
 * - `delivery drain, event log on / off`: bench (d), the consumer draining 1,000 messages to a
 *   local sink, with the log on and off, at defaults (no EVENT_LOG_FLUSH_MS);
 * - `console queries on a 1,000,000-event shard`: one shard filled by SQL, each console query
 *   timed (p50/p99) through the object's RPC, as the admin API calls it.
 * Writes bench/results/ledger.{md,json}.
 */

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { readCommandLine } from "../scripts/lib/args";
import { benchConfig } from "./lib/config";
import { costLines, costPerMillion, DESIGNED, MEASURED, monthlyTotal } from "./lib/cost";
import { measureDelivery } from "./lib/delivery";
import { blast } from "./lib/load";
import { repeatedPool, signedRequest, uniquePool } from "./lib/requests";
import { closeAll, startWorker } from "./lib/servers";

const ROOT = join(import.meta.dirname, "..");
const BUILD = join(ROOT, "bench/.build-ledger");
const OUT = join(ROOT, "bench/results");
const FILL = Number(process.env.LEDGER_BENCH_ROWS ?? 1_000_000);
const SAMPLES = 40;

function build(entry: string | undefined, name: string): string {
  const outdir = join(BUILD, name);
  const args = entry
    ? ["wrangler", "deploy", entry, "--dry-run", "--config", "bench/workers/wrangler.bench.toml", "--name", `bench-${name}`, "--outdir", outdir]
    : ["wrangler", "deploy", "--dry-run", "--outdir", outdir];
  execFileSync("npx", args, { cwd: ROOT, stdio: "ignore", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" } });
  const js = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (js.length !== 1) throw new Error(`expected one .js bundle in ${outdir}`);
  return join(outdir, js[0]!);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const ms = (n: number) => Math.round(n * 10) / 10;

function costs() {
  const rows = (["logOn", "logOff"] as const).map((key) => {
    const ops = DESIGNED[key];
    return {
      name: key === "logOn" ? "cost per million, event log on" : "cost per million, event log off",
      // To a tenth of a cent: a figure rounded to the cent can read as the goal it misses.
      perMillion: Math.round(costPerMillion(ops) * 1000) / 1000,
      goal: key === "logOn" ? 5 : 3,
      monthly: Object.fromEntries([1e6, 10e6, 100e6].map((n) => [n, Math.round(monthlyTotal(ops, n) * 100) / 100])),
      lines: Object.fromEntries(Object.entries(costLines(ops)).map(([k, v]) => [k, Math.round(v * 10_000) / 10_000])),
      ops,
    };
  });
  const extras = (["extraRoute", "retry", "duplicate"] as const).map((key) => ({
    name: key,
    perMillion: Math.round(costPerMillion(DESIGNED[key]) * 100) / 100,
  }));
  return { rows, extras };
}

const CPU_REQUESTS = 4_000;

/**
 * CPU per request of the gateway's own work (bench (c)'s in-memory gateway) and of a body-only
 * worker, read from each workerd process (bench/lib/cpu.ts): accepted and rejected (401).
 */
async function cpu() {
  const config = benchConfig("http://127.0.0.1:9/events");
  const gateway = await startWorker({ scriptPath: build("bench/workers/gateway-inmemory.ts", "gateway-inmemory"), config, bindings: false });
  const bare = await startWorker({ scriptPath: build("bench/workers/bare-body.ts", "bare-body"), config, bindings: false });
  const tag = `cpu-${process.pid}`;
  const perRequest = async (worker: typeof gateway, pool: ReturnType<typeof uniquePool>) => {
    await blast(worker.url, pool, 10, { amount: 1_000 }); // warm-up: the JIT settles
    const before = worker.cpuMs();
    let answered = 0;
    await blast(worker.url, pool, 10, { amount: CPU_REQUESTS }, () => {
      answered += 1;
    });
    return Math.round(((worker.cpuMs() - before) / Math.max(1, answered)) * 1000) / 1000;
  };
  const gatewayAccepted = await perRequest(gateway, uniquePool("bench-hmac", CPU_REQUESTS + 1_000, `${tag}-gw`));
  const bareAccepted = await perRequest(bare, uniquePool("bench-hmac", CPU_REQUESTS + 1_000, `${tag}-bare`));
  const gatewayRejected = await perRequest(gateway, repeatedPool(signedRequest("bench-hmac", `${tag}-wrong`, true)));
  await closeAll();
  return { gatewayAccepted, bareAccepted, gatewayRejected, requests: CPU_REQUESTS, budget: MEASURED.requestCpuMs };
}

/** Paired rounds, off then on, so both see the same machine; the ratio is the median of the rounds'. */
async function drain(gateway: string, rounds = 3) {
  const pairs = [];
  for (let i = 0; i < rounds; i++) {
    const off = await measureDelivery(gateway, false);
    await closeAll();
    const on = await measureDelivery(gateway, true);
    await closeAll();
    pairs.push({ on, off, ratio: on.cpuMsPerMessage / Math.max(0.001, off.cpuMsPerMessage), load: loadavg()[0] });
  }
  const ratios = pairs.map((p) => p.ratio).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  const middle = pairs.find((p) => p.ratio === median)!;
  return {
    on: middle.on,
    off: middle.off,
    /** The consumer's CPU per message, event log on over off (goal ≤ 1.1×). */
    cpuRatio: Math.round(median * 100) / 100,
    rounds: pairs.map((p) => ({
      cpuOn: p.on.cpuMsPerMessage,
      cpuOff: p.off.cpuMsPerMessage,
      on: p.on.deliveredPerSecond,
      off: p.off.deliveredPerSecond,
      complete: p.on.complete && p.off.complete,
      load: p.load,
    })),
  };
}

async function consoleQueries(shardScript: string) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: shardScript,
    modulesRoot: join(shardScript, ".."),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat_v2"],
    durableObjects: { LEDGER: { className: "BenchShard", useSQLite: true } },
  });
  try {
    await mf.ready;
    const call = async (method: string, ...args: unknown[]) => {
      const response = await mf.dispatchFetch(`http://bench/${method}`, { method: "POST", body: JSON.stringify(args) });
      if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const day = "20261202";
    const started = performance.now();
    const filled = (await call("fill", FILL, day)) as { rows: number; databaseBytes: number };
    const fillSeconds = (performance.now() - started) / 1000;
    await call("restart").catch(() => undefined);
    const fresh = {
      list: (q: unknown) => call("list", q),
      find: (keys: string[], limit: number) => call("find", keys, limit),
      search: (term: string, limit: number) => call("search", term, limit),
    };
    const dayStart = Date.parse("2026-12-02T00:00:00Z");
    // SCAN_BUDGET of src/ledger/queries.ts: what the admin API asks each shard to examine at most.
    const base = { limit: 50, budget: 2_500 };
    const queries: [string, () => Promise<unknown>][] = [
      ["newest first (the landing view)", () => fresh.list({ ...base })],
      ["source=pix", () => fresh.list({ ...base, source: "pix" })],
      ["state=dead", () => fresh.list({ ...base, state: "dead" })],
      ["route=ledger", () => fresh.list({ ...base, route: "ledger" })],
      ["type that matches nothing (worst bounded scan)", () => fresh.list({ ...base, type: "nothing.matches" })],
      ["subject=S-123456 (bounded scan)", () => fresh.list({ ...base, subject: "S-123456" })],
      ["since/until one hour mid-day", () => fresh.list({ ...base, since: dayStart + 12 * 3_600_000, until: dayStart + 13 * 3_600_000 })],
      ["id (key index)", () => fresh.find(["src1:evt-500001"], 10)],
      ["id without @window suffix (key index range)", () => fresh.find(["src1:evt-50000"], 10)],
      ["search by provider id (every status of it, search index)", () => fresh.search("P-166667", 50)],
      ["search by subject (search index)", () => fresh.search("S-123456", 50)],
      ["search by business key (a Pix and its refund, search index)", () => fresh.search("K-250000", 50)],
      ["search for a term nothing has (search index)", () => fresh.search("nothing-has-this", 50)],
    ];
    const results = [];
    for (const [name, run] of queries) {
      await run();
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      results.push({ name, p50: ms(pct(times, 0.5)), p99: ms(pct(times, 0.99)) });
    }
    return {
      rows: filled.rows,
      databaseBytes: filled.databaseBytes,
      bytesPerRow: Math.round(filled.databaseBytes / filled.rows),
      fillSeconds: ms(fillSeconds),
      results,
    };
  } finally {
    await mf.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = readCommandLine(process.argv.slice(2), {
    help: `npm run bench:ledger [-- --only cost,cpu,drain,console]

The ledger's rows: the metered cost per million (log on and off), delivery drain with the log on
and off at the defaults, and console queries on a 1,000,000-event shard. Writes
bench/results/ledger.{md,json}; a row not run keeps its last figures.

  --only ROWS       a comma-separated subset of cost, cpu, drain, console (default: all four)
  -h, --help        this text`,
    options: { only: { type: "string", default: "cost,cpu,drain,console" } },
  });
  const only = new Set(values.only.split(","));
  const unknown = [...only].filter((row) => !["cost", "cpu", "drain", "console"].includes(row));
  if (unknown.length > 0) throw new Error(`--only takes cost, cpu, drain and console, not ${unknown.join(", ")}`);
  const load = loadavg().map((n) => Math.round(n * 100) / 100);
  // Rows not run this time keep their last figures (each row can run alone).
  const earlier = existsSync(join(OUT, "ledger.json")) ? (JSON.parse(readFileSync(join(OUT, "ledger.json"), "utf8")) as Record<string, unknown>) : {};
  const report: Record<string, unknown> = {
    ...earlier,
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAvgAtStart: load },
  };
  if (only.has("cost")) report.cost = costs();
  if (only.has("cpu")) report.cpu = await cpu();
  if (only.has("drain")) report.drain = await drain(build(undefined, "gateway"));
  if (only.has("console")) report.console = await consoleQueries(build("bench/workers/ledger-shard.ts", "ledger-shard"));
  report.loadAvgAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "ledger.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(OUT, "ledger.md"), markdown(report));
  console.log(markdown(report));
}

function markdown(report: Record<string, unknown>): string {
  const lines = [
    `# The ledger's bench rows (${report.date})`,
    "",
    `Machine: ${JSON.stringify(report.machine)}; load average at the end ${JSON.stringify(report.loadAvgAtEnd)}.`,
    "",
  ];
  const cost = report.cost as ReturnType<typeof costs> | undefined;
  if (cost) {
    lines.push("| target | measured | goal | 1 M/month | 10 M/month | 100 M/month |", "|---|---|---|---|---|---|");
    for (const r of cost.rows)
      lines.push(
        `| ${r.name} | $${r.perMillion.toFixed(3)} | ≤ $${r.goal.toFixed(2)} ${r.perMillion <= r.goal ? "PASS" : "MISS"} | $${r.monthly[1e6]} | $${r.monthly[10e6]} | $${r.monthly[100e6]} |`,
      );
    lines.push(
      "",
      `Each extra route $${cost.extras[0]!.perMillion}/M, each retry $${cost.extras[1]!.perMillion}/M, each duplicate $${cost.extras[2]!.perMillion}/M.`,
      "",
    );
  }
  const used = report.cpu as Awaited<ReturnType<typeof cpu>> | undefined;
  if (used)
    lines.push(
      `CPU per request, workerd process (${used.requests} requests at 10 connections, after a warm-up): in-memory gateway accepted ${used.gatewayAccepted} ms, rejected (401) ${used.gatewayRejected} ms; body-only worker ${used.bareAccepted} ms (HTTP and Miniflare's floor, which Cloudflare does not bill). The table prices ${used.budget} ms a request: ${used.gatewayAccepted <= used.budget ? "PASS" : "MISS"}.`,
      "",
    );
  const drained = report.drain as Awaited<ReturnType<typeof drain>> | undefined;
  if (drained?.cpuRatio !== undefined)
    lines.push(
      `| the consumer's CPU per message, event log on / off | median of ${drained.rounds.length} paired rounds: ${drained.cpuRatio}× (${drained.rounds.map((r) => `${r.cpuOn} vs ${r.cpuOff} ms`).join("; ")}) | ≤ 1.1× ${drained.cpuRatio <= 1.1 ? "PASS" : "MISS"} | every round complete: ${drained.rounds.every((r) => r.complete)} |`,
      "",
      `Miniflare's drain rates (one batch at a time, not what users see: docs/benchmarks.md): ${drained.rounds.map((r) => `${r.on}/s on vs ${r.off}/s off`).join("; ")}.`,
      "",
    );
  const shard = report.console as Awaited<ReturnType<typeof consoleQueries>> | undefined;
  if (shard) {
    lines.push(
      `console queries on a 1,000,000-event shard: ${shard.rows} rows, ${shard.bytesPerRow} bytes per row (${shard.databaseBytes} bytes), filled in ${shard.fillSeconds} s`,
      "",
    );
    lines.push("| query | p50 ms | p99 ms | goal ≤ 50 ms p99 |", "|---|---|---|---|");
    for (const r of shard.results) lines.push(`| ${r.name} | ${r.p50} | ${r.p99} | ${r.p99 <= 50 ? "PASS" : "MISS"} |`);
  }
  return `${lines.join("\n")}\n`;
}

main().then(
  () => closeAll(),
  async (error: unknown) => {
    console.error(error);
    await closeAll();
    process.exitCode = 1;
  },
);
