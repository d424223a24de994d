/**
 * Bundles every worker the bench runs with wrangler's own bundler (`deploy --dry-run`):
 * the gateway exactly as it would be uploaded (its gzip size is section (e)), and the
 * comparison workers with the same esbuild settings.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

export const ROOT = resolve(import.meta.dirname, "../..");
const BUILD = join(ROOT, "bench/.build");
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
const BENCH_TOML = join(ROOT, "bench/workers/wrangler.bench.toml");
const BUILD_TIMEOUT_MS = 120_000;

export const BENCH_WORKERS = ["bare-io", "bare-body", "gateway-inmemory"] as const;
export type BenchWorker = (typeof BENCH_WORKERS)[number];

export interface Builds {
  gateway: string;
  workers: Record<BenchWorker, string>;
  /** What wrangler itself printed as "Total Upload: ... / gzip: ...". */
  wranglerSays: string;
}

export async function buildAll(): Promise<Builds> {
  rmSync(BUILD, { recursive: true, force: true });
  const gatewayOut = join(BUILD, "gateway");
  const [gatewayLog, ...workerOuts] = await Promise.all([
    wrangler(["deploy", "--dry-run", "--outdir", gatewayOut, "--metafile", join(BUILD, "gateway-meta.json")]),
    ...BENCH_WORKERS.map((name) => buildBenchWorker(name)),
  ]).finally(stopBuilds);
  const workers = Object.fromEntries(BENCH_WORKERS.map((name, i) => [name, workerOuts[i]!])) as Record<BenchWorker, string>;
  const wranglerSays = /Total Upload:[^\n]*/.exec(gatewayLog)?.[0]?.trim() ?? "(not printed)";
  return { gateway: entryFile(gatewayOut), workers, wranglerSays };
}

async function buildBenchWorker(name: BenchWorker): Promise<string> {
  const outdir = join(BUILD, name);
  await wrangler(["deploy", join(ROOT, `bench/workers/${name}.ts`), "--dry-run", "--config", BENCH_TOML, "--name", `bench-${name}`, "--outdir", outdir]);
  return entryFile(outdir);
}

function entryFile(outdir: string): string {
  const js = readdirSync(outdir).filter((f) => f.endsWith(".js"));
  if (js.length !== 1) throw new Error(`expected one .js bundle in ${outdir}, found ${js.join(", ") || "none"}`);
  return join(outdir, js[0]!);
}

/** Process groups of the builds still running, so a failed build stops its siblings. */
const running = new Set<number>();

export function stopBuilds(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  running.clear();
}

function wrangler(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" };
    const child = spawn(WRANGLER, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid !== undefined) running.add(child.pid);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGTERM"), BUILD_TIMEOUT_MS);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (child.pid !== undefined) running.delete(child.pid);
      if (code === 0) done(output);
      else fail(new Error(`wrangler ${args.slice(0, 2).join(" ")} failed (${code}):\n${output.slice(-3000)}`));
    });
  });
}

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  gzipKiB: number;
  /** Output bytes by package or src folder, largest first (from wrangler's esbuild metafile). */
  largest: { input: string; bytes: number }[];
}

export function bundleSize(file: string): BundleSize {
  const code = readFileSync(file);
  const gzipBytes = gzipSync(code, { level: 9 }).byteLength;
  return { bytes: code.byteLength, gzipBytes, gzipKiB: Math.round((gzipBytes / 1024) * 100) / 100, largest: largestInputs() };
}

function largestInputs(): { input: string; bytes: number }[] {
  const meta = JSON.parse(readFileSync(join(BUILD, "gateway-meta.json"), "utf8")) as {
    outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
  };
  const totals = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const group = input
        .replace(/^.*node_modules\/zod\/v4\/(locales|core|classic|mini)\/.*$/, "zod/v4/$1")
        .replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, "$1")
        .replace(/^src\/([^/]+)\/.*$/, "src/$1/");
      totals.set(group, (totals.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}
