/**
 * The measured sections. Cells of a target and of its baseline alternate (gateway, bare,
 * gateway, ...) so that noise from the machine falls on both sides of a ratio alike.
 */
import { loadavg } from "node:os";
import { LIMITS, type SourceName } from "./config";
import { type CellResult, measureCell } from "./load";
import { type RequestPool, repeatedPool, signedRequest, uniquePool } from "./requests";

export type Scenario = "accepted" | "duplicate" | "rejected";

export interface Row {
  /** Stable key, e.g. "a.gateway.accepted.hmac". */
  key: string;
  target: string;
  scenario: Scenario;
  source: SourceName;
  cells: CellResult[];
  /** 1-minute load average when the row's last cell ended (other work on the machine). */
  loadAvg: number;
}

export interface Plan {
  key: string;
  target: string;
  url: string;
  scenario: Scenario;
  source: SourceName;
  connections: readonly number[];
}

export const EXPECT: Record<Scenario, number> = { accepted: 202, duplicate: 200, rejected: 401 };
let nonce = 0;

/** Runs every plan at each connection level, interleaved by level, and returns one row per plan. */
export async function runPlans(plans: Plan[], progress: (line: string) => void): Promise<Row[]> {
  const rows = plans.map((p): Row => ({ key: p.key, target: p.target, scenario: p.scenario, source: p.source, cells: [], loadAvg: 0 }));
  for (const connections of LIMITS.connections) {
    for (const [i, plan] of plans.entries()) {
      if (!plan.connections.includes(connections)) continue;
      const timing = { seconds: LIMITS.cellSeconds, warmupSeconds: LIMITS.warmupSeconds };
      const cell = await measureCell({
        url: plan.url,
        connections,
        ...timing,
        expectStatus: EXPECT[plan.scenario],
        ...pools(plan, connections, timing.seconds, timing.warmupSeconds),
      });
      rows[i]!.cells.push(cell);
      rows[i]!.loadAvg = Math.round(loadavg()[0]! * 100) / 100;
      progress(
        `${plan.key.padEnd(34)} c=${String(connections).padStart(2)}  ${String(cell.rps).padStart(6)} req/s  p50 ${cell.p50} ms  p99 ${cell.p99} ms${flags(cell)}`,
      );
    }
  }
  return rows;
}

export function pools(
  plan: Plan,
  connections: number,
  seconds: number,
  warmupSeconds: number,
): { warmupPool: RequestPool; pool: RequestPool; prime?: RequestPool } {
  const tag = `${plan.key}-c${connections}-${process.pid}-${nonce++}`;
  if (plan.scenario === "accepted") {
    const size = (s: number) => Math.ceil(s * LIMITS.poolPerSecond);
    return { warmupPool: uniquePool(plan.source, size(warmupSeconds), `${tag}-warm`), pool: uniquePool(plan.source, size(seconds), tag) };
  }
  const one = repeatedPool(signedRequest(plan.source, tag, plan.scenario === "rejected"));
  return { warmupPool: one, pool: one, ...(plan.scenario === "duplicate" && { prime: one }) };
}

export function flags(cell: CellResult): string {
  const out: string[] = [];
  const unexpected = Object.entries(cell.unexpected).map(([status, n]) => `${n}x${status}`);
  if (unexpected.length > 0) out.push(`unexpected ${unexpected.join(" ")}`);
  if (cell.errors > 0) out.push(`${cell.errors} errors`);
  if (cell.timeouts > 0) out.push(`${cell.timeouts} timeouts`);
  if (cell.overflow > 0) out.push(`pool ran out: ${cell.overflow} repeats`);
  return out.length > 0 ? `  [${out.join("; ")}]` : "";
}

/** A bar the report checks: its figure, its spread over the rounds, its goal. */
export interface Target {
  name: string;
  measured: number | undefined;
  /** Lowest to highest over the paired rounds. */
  range: string;
  goal: string;
  pass: boolean;
  unit: string;
}
