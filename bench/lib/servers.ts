/**
 * Workers under Miniflare directly (no `wrangler dev` proxy, no request logging), each on
 * its own port on 127.0.0.1, and the Node sink that (d) delivers to. Whatever starts here is
 * closed by `closeAll`, which run.ts calls in a finally.
 */

import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { ROOT } from "./build";
import { DELIVERY_QUEUE } from "./config";
import { cpuMs, workerdPids } from "./cpu";

export interface ConsumerSettings {
  maxBatchSize: number;
  maxBatchTimeout: number;
  maxRetries: number;
}

export interface WorkerSpec {
  scriptPath: string;
  config: Record<string, unknown>;
  /** Real KV and Queues simulators; off for the in-memory and body-only workers. */
  bindings: boolean;
  /** Without it the queue has no consumer, and Miniflare's broker drops what is sent. */
  consumer?: ConsumerSettings;
  vars?: Record<string, string>;
  /** A local D1 for the event log, migrated before the worker takes requests. */
  eventLog?: boolean;
  /** The StrictDedup Durable Object (the gateway's bundle only: it exports the class). */
  strictDedup?: boolean;
  /** Log lines to keep whole (the others are only counted), for `keptLines`. */
  keep?: RegExp;
  /** Durable Objects the script exports, bound by name: the gateway's LEDGER and ROUTE_GOVERNOR, bare-io's MARKS, the ledger-shard worker's. */
  objects?: Record<string, string>;
}

export interface RunningWorker {
  url: string;
  /** Lines the worker wrote to stdout/stderr (the gateway logs one per request). */
  readonly outputLines: number;
  readonly lastErrors: string[];
  /** The log lines `keep` matched, in order. */
  readonly keptLines: string[];
  /** CPU time its workerd process has used so far, ms (bench/lib/cpu.ts). */
  cpuMs(): number;
}

/** The gateway's ledger and route governors, and bare-io's stand-in for the ledger. */
export const GATEWAY_OBJECTS = { LEDGER: "Ledger", ROUTE_GOVERNOR: "RouteGovernor" };
export const BARE_IO_OBJECTS = { MARKS: "BareMarks" };

const closers: (() => Promise<void>)[] = [];

/**
 * BENCH_PORTS="8842-8859" puts every server on a port of that range, in turn (a shared
 * machine may hand each user a range); without it the system picks free ports.
 */
const portRange = /^(\d+)-(\d+)$/.exec(process.env.BENCH_PORTS ?? "");
let nextPortIndex = 0;
export function nextPort(): number {
  if (!portRange) return 0;
  const [low, high] = [Number(portRange[1]), Number(portRange[2])];
  const port = low + (nextPortIndex % (high - low + 1));
  nextPortIndex += 1;
  return port;
}

export async function startWorker(spec: WorkerSpec): Promise<RunningWorker> {
  const before = workerdPids();
  const output = { lines: 0, errors: [] as string[], keep: spec.keep, kept: [] as string[], partial: "" };
  const mf = new Miniflare({
    modules: true,
    scriptPath: spec.scriptPath,
    modulesRoot: dirname(spec.scriptPath),
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat_v2"],
    // LOCAL_DEV: the bench delivers to sinks on 127.0.0.1, which only local development may.
    bindings: { GATEWAY_CONFIG: spec.config, DEAD_LETTER_QUEUE: "hookgate-dead-letters", LOCAL_DEV: "1", ...spec.vars },
    ...(spec.bindings && {
      kvNamespaces: { DEDUP: "bench-dedup", STATE: "bench-state" },
      queueProducers: { DELIVERIES: { queueName: DELIVERY_QUEUE } },
    }),
    ...((spec.strictDedup || spec.objects) && {
      durableObjects: {
        ...(spec.strictDedup && { STRICT_DEDUP: { className: "StrictDedup", useSQLite: true } }),
        ...Object.fromEntries(Object.entries(spec.objects ?? {}).map(([binding, className]) => [binding, { className, useSQLite: true }])),
      },
    }),
    ...(spec.consumer && { queueConsumers: { [DELIVERY_QUEUE]: spec.consumer } }),
    ...(spec.eventLog && { d1Databases: { EVENTS: `bench-events-${closers.length}` } }),
    host: "127.0.0.1",
    port: nextPort(),
    cf: false,
    logRequests: false,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      count(stdout, output, false);
      count(stderr, output, true);
    },
  });
  closers.push(() => mf.dispose());
  const url = await withTimeout(mf.ready, 30_000, "Miniflare did not start");
  if (spec.eventLog) await migrate(await mf.getD1Database("EVENTS"));
  const own = [...workerdPids()].filter((pid) => !before.has(pid));
  return {
    cpuMs: () => cpuMs(own),
    url: url.origin,
    get outputLines() {
      return output.lines;
    },
    get lastErrors() {
      return output.errors;
    },
    get keptLines() {
      return output.kept;
    },
  };
}

/** The project's migrations, statement by statement (comments dropped, split at `;` line ends). */
async function migrate(db: Awaited<ReturnType<Miniflare["getD1Database"]>>): Promise<void> {
  const dir = join(ROOT, "migrations");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    const sql = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => !line.trimStart().startsWith("--"))
      .join("\n");
    const statements = sql
      .split(/;\s*\n/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

function count(stream: Readable, output: { lines: number; errors: string[]; keep?: RegExp; kept: string[]; partial: string }, keep: boolean): void {
  stream.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) output.lines += 1;
    if (keep) output.errors = [...output.errors, text.trim()].slice(-5);
    if (output.keep && !keep) {
      const lines = (output.partial + text).split("\n");
      output.partial = lines.pop() ?? "";
      for (const line of lines) if (output.keep.test(line)) output.kept.push(line);
    }
  });
}

export interface Sink {
  url: string;
  readonly received: number;
  readonly lastAt: number | undefined;
  readonly distinctIds: number;
  /** Answers the requests held so far and every later one at once. */
  release(): void;
}

/**
 * Counts requests by `webhook-id` and answers 200. It starts closed: requests are read and
 * counted but held unanswered until `release()`, so the queue can fill up first and the
 * consumer's drain rate is measured apart from the ingest rate.
 */
export async function startSink(): Promise<Sink> {
  const ids = new Set<string>();
  const state = { received: 0, lastAt: undefined as number | undefined, held: [] as (() => void)[] | undefined };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      state.received += 1;
      state.lastAt = performance.now();
      ids.add(String(request.headers["webhook-id"] ?? ""));
      const answer = () => response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
      if (state.held) state.held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((listening) => server.listen(nextPort(), "127.0.0.1", listening));
  closers.push(
    () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    get received() {
      return state.received;
    },
    get lastAt() {
      return state.lastAt;
    },
    get distinctIds() {
      return ids.size;
    },
    release() {
      const held = state.held ?? [];
      state.held = undefined;
      for (const answer of held) answer();
    },
  };
}

/** Closes everything started, newest first; one failing does not stop the rest. */
export async function closeAll(): Promise<void> {
  for (const close of closers.splice(0).reverse()) {
    await withTimeout(close(), 15_000, "close timed out").catch((error: unknown) => console.error(`bench: ${String(error)}`));
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
