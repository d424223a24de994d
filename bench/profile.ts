/**
 * `npm run bench:profile`: a CPU profile of the accepted path under load, taken inside workerd.
 *
 * Builds the in-memory gateway of bench section (c) without minifying (so frames keep their
 * names), runs it under Miniflare with the V8 inspector on 127.0.0.1 (`inspectorPort`, the
 * same inspector `wrangler dev --inspector-port` opens), starts the CPU profiler through the
 * DevTools protocol, drives unique HMAC-signed requests at 10 connections with autocannon, and
 * prints where the worker's CPU time went: self time by function, and inclusive time of the
 * gateway's own modules. The raw profile goes to bench/results/profile.cpuprofile (open it in
 * Chrome DevTools). PROFILE_SECONDS (default 8) sets the window; PROFILE_PORT the inspector port
 * (8841); PROFILE_LOGS=1 keeps console.log on (an attached inspector inflates its cost).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import WebSocket from "ws";
import { readCommandLine } from "../scripts/lib/args";
import { ROOT } from "./lib/build";
import { benchConfig } from "./lib/config";
import { measureCell } from "./lib/load";
import { repeatedPool, signedRequest, uniquePool } from "./lib/requests";

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8) || 8;
const INSPECTOR_PORT = Number(process.env.PROFILE_PORT ?? 8841) || 8841;
const SAMPLING_MICROS = 100;
const SOURCE: "bench-hmac" | "bench-basic" | "bench-none" = "bench-hmac";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

async function main(rejected: boolean): Promise<void> {
  const outdir = join(ROOT, "bench/.build/profile");
  await run("node_modules/.bin/wrangler", [
    "deploy",
    "bench/workers/gateway-inmemory.ts",
    "--dry-run",
    "--config",
    "bench/workers/wrangler.bench.toml",
    "--name",
    "bench-profile",
    "--outdir",
    outdir,
    "--minify=false",
  ]);
  const script = join(outdir, readdirSync(outdir).find((f) => f.endsWith(".js"))!);
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRoot: dirname(script),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat_v2"],
    // With an inspector attached every console.log is also sent to it, which costs far more
    // than the log line itself; quiet by default (bench (c)'s "quiet" row measures the log).
    bindings: {
      GATEWAY_CONFIG: benchConfig("http://127.0.0.1:9/events"),
      DEAD_LETTER_QUEUE: "hookgate-dead-letters",
      LOCAL_DEV: "1",
      ...(process.env.PROFILE_LOGS === "1" ? {} : { BENCH_QUIET: "1" }),
    },
    host: "127.0.0.1",
    port: Number(process.env.PROFILE_WORKER_PORT ?? 8840) || 8840,
    inspectorPort: INSPECTOR_PORT,
    cf: false,
    logRequests: false,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      stdout.resume();
      stderr.resume();
    },
  });
  try {
    const url = (await mf.ready).origin;
    // --rejected: the fixed path of a refused request (a wrong signature, 401), the same request each time.
    const cell = (seconds: number, tag: string) =>
      measureCell({
        url,
        connections: 10,
        seconds,
        warmupSeconds: 1,
        expectStatus: rejected ? 401 : 202,
        warmupPool: rejected ? repeatedPool(signedRequest(SOURCE, `${tag}-warm`, true)) : uniquePool(SOURCE, 8_000, `${tag}-warm`),
        pool: rejected ? repeatedPool(signedRequest(SOURCE, tag, true)) : uniquePool(SOURCE, Math.ceil(seconds * 6_000), tag),
      });
    await cell(2, `profile-jit-${process.pid}`); // let the JIT settle before sampling
    const inspector = await connect(INSPECTOR_PORT);
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: SAMPLING_MICROS });
    await inspector.call("Profiler.start");
    const measured = await cell(SECONDS, `profile-${process.pid}`);
    const { profile } = (await inspector.call("Profiler.stop")) as { profile: Profile };
    inspector.close();
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(join(ROOT, "bench/results/profile.cpuprofile"), JSON.stringify(profile));
    report(profile, script, measured.rps, measured.responses);
  } finally {
    await mf.dispose();
  }
}

/** Self time by function, and inclusive time per gateway module (src/…) and per package. */
function report(profile: Profile, script: string, rps: number, responses: number): void {
  bundlePath = script;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totalMicros = profile.endTime - profile.startTime;
  const samples = profile.nodes.reduce((n, node) => n + (node.hitCount ?? 0), 0);
  const microsPerSample = totalMicros / Math.max(1, samples);
  const perRequest = (hits: number) => (hits * microsPerSample) / Math.max(1, responses);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + hits);
    // Each module on the stack counted once per sample.
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = node; at; at = byId.get(parent.get(at.id) ?? -1)) {
      const module = moduleOf(at);
      if (module && !seen.has(module)) {
        seen.add(module);
        inclusive.set(module, (inclusive.get(module) ?? 0) + hits);
      }
    }
  }
  const idle = ["(idle)", "(program)", "(garbage collector)"].map((name) => [...self].filter(([k]) => k.startsWith(name)).reduce((n, [, v]) => n + v, 0));
  console.log(`profile: ${SECONDS} s at 10 connections, ${rps} req/s, ${responses} responses, ${samples} samples of ~${Math.round(microsPerSample)} µs`);
  console.log(`idle ${pct(idle[0]!, samples)}, program ${pct(idle[1]!, samples)}, GC ${pct(idle[2]!, samples)}`);
  console.log("\nself time, top 30 (µs per request, share of samples):");
  for (const [name, hits] of top(self, 30)) console.log(`  ${perRequest(hits).toFixed(1).padStart(7)} µs  ${pct(hits, samples).padStart(6)}  ${name}`);
  console.log("\ninclusive time by module (src/… of the gateway, packages by name):");
  for (const [name, hits] of top(inclusive, 25)) console.log(`  ${perRequest(hits).toFixed(1).padStart(7)} µs  ${pct(hits, samples).padStart(6)}  ${name}`);
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.slice(url.lastIndexOf("/") + 1) : "";
  return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
}

/**
 * The module a frame belongs to. The unminified bundle keeps esbuild's `// src/...` and
 * `// node_modules/...` comments, but frames only carry the bundle's line, so the map from
 * line to module is read from those comments once.
 */
let lineModules: { line: number; module: string }[] | undefined;
let bundlePath = "";
function moduleOf(node: ProfileNode): string | undefined {
  if (!node.callFrame.url.endsWith(".js")) return undefined;
  lineModules ??= readModuleComments(bundlePath);
  const line = node.callFrame.lineNumber;
  let found: string | undefined;
  for (const entry of lineModules) {
    if (entry.line > line) break;
    found = entry.module;
  }
  return found;
}

function readModuleComments(path: string): { line: number; module: string }[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const out: { line: number; module: string }[] = [];
  text.split("\n").forEach((line, i) => {
    const match = /^\/\/ (.+\.(?:ts|js|mjs|cjs))$/.exec(line);
    if (!match) return;
    const file = match[1]!;
    const module = file.includes("node_modules/") ? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file) : file.replace(/^(\.\.\/)+/, "");
    out.push({ line: i, module });
  });
  return out;
}

function top(map: Map<string, number>, n: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function pct(hits: number, total: number): string {
  return `${((100 * hits) / Math.max(1, total)).toFixed(1)}%`;
}

/** A DevTools protocol session with the worker's isolate. */
async function connect(port: number): Promise<{ call(method: string, params?: object): Promise<unknown>; close(): void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
  if (!target) throw new Error("the inspector lists no target");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((open, fail) => socket.once("open", open).once("error", fail));
  let next = 0;
  const pending = new Map<number, { done: (v: unknown) => void; fail: (e: Error) => void }>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiting = message.id !== undefined ? pending.get(message.id) : undefined;
    if (!waiting) return;
    pending.delete(message.id!);
    if (message.error) waiting.fail(new Error(message.error.message));
    else waiting.done(message.result);
  });
  return {
    call(method, params = {}) {
      const id = ++next;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise((done, fail) => pending.set(id, { done, fail }));
    },
    close: () => socket.close(),
  };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, command), args, {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("close", (code) => (code === 0 ? done() : fail(new Error(`wrangler failed (${code}):\n${output.slice(-2000)}`))));
  });
}

const { values } = readCommandLine(process.argv.slice(2), {
  help: `npm run bench:profile [-- --rejected]

A CPU profile of the accepted path under load, taken inside workerd, printed as self and inclusive
time; the raw profile goes to bench/results/profile.cpuprofile.

  --rejected        profile a refused request (a wrong HMAC signature, 401) instead
  -h, --help        this text

Environment: PROFILE_SECONDS (default 8) the window, PROFILE_PORT (default 8841) the inspector's
port, PROFILE_LOGS=1 keeps console.log on.`,
  options: { rejected: { type: "boolean", default: false } },
});
await main(values.rejected);
