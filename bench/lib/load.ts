/**
 * One measured cell: a warm-up, then a timed autocannon run against 127.0.0.1. Latencies
 * are taken from every response's own timing (autocannon's histogram rounds to whole
 * milliseconds, too coarse for sub-millisecond answers), so p50/p99 are exact over the window.
 */
import autocannon, { type Result } from "autocannon";
import type { RequestPool } from "./requests";

export interface CellSpec {
  url: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  expectStatus: number;
  /** Fresh requests for the warm-up and for the timed window (they must not share ids). */
  warmupPool: RequestPool;
  pool: RequestPool;
  /** A request sent once before the warm-up and not measured (the duplicate's first copy). */
  prime?: RequestPool;
}

export interface CellResult {
  connections: number;
  seconds: number;
  responses: number;
  rps: number;
  p50: number;
  p99: number;
  meanMs: number;
  unexpected: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Requests that repeated an id because the pool ran out: the cell is not all "accepted". */
  overflow: number;
  /** CPU the load generator (this Node process) used, in % of one core. */
  loadGenCpuPercent: number;
}

export async function measureCell(spec: CellSpec): Promise<CellResult> {
  if (spec.prime) await blast(spec.url, spec.prime, 1, { amount: 1 });
  await blast(spec.url, spec.warmupPool, spec.connections, { duration: spec.warmupSeconds });

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await blast(spec.url, spec.pool, spec.connections, { duration: spec.seconds }, (status, ms) => {
    latencies.push(ms);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  });
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  latencies.sort((a, b) => a - b);
  const unexpected: Record<string, number> = {};
  for (const [status, count] of statuses) if (status !== spec.expectStatus) unexpected[String(status)] = count;
  return {
    connections: spec.connections,
    seconds: round(elapsedMs / 1000, 2),
    responses: latencies.length,
    rps: round(latencies.length / (elapsedMs / 1000), 0),
    p50: round(percentile(latencies, 0.5), 3),
    p99: round(percentile(latencies, 0.99), 3),
    meanMs: round(latencies.reduce((sum, ms) => sum + ms, 0) / Math.max(1, latencies.length), 3),
    unexpected,
    errors: result.errors,
    timeouts: result.timeouts,
    overflow: spec.pool.overflow,
    loadGenCpuPercent: round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100, 0),
  };
}

/** Sends `pool`'s requests over `connections` keep-alive connections, for a time or a count. */
export function blast(
  url: string,
  pool: RequestPool,
  connections: number,
  bound: { duration: number } | { amount: number; overallRate?: number },
  onResponse?: (status: number, ms: number) => void,
): PromiseLike<Result> {
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    timeout: 10,
    ...bound,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const next = pool.next();
          return { ...request, path: next.path, headers: next.headers, body: next.body };
        },
      },
    ],
  });
  if (onResponse) instance.on("response", (_client, status, _bytes, ms) => onResponse(status, ms));
  return instance;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
