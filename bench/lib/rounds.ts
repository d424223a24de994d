/**
 * Paired rounds for the targets. This machine is shared, and its load moves by tens of
 * percent within a minute, so one cell against one cell is not a ratio to trust. Instead each
 * round measures every plan once, back to back (starting at a different plan each round), and
 * takes each plan's ratio to the baseline of the same round; the median over rounds is the result.
 */
import { LIMITS } from "./config";
import { type CellResult, measureCell, round } from "./load";
import { EXPECT, flags, type Plan, pools } from "./suite";

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface RoundRow {
  key: string;
  target: string;
  scenario: Plan["scenario"];
  source: Plan["source"];
  cells: CellResult[];
  rps: Spread;
  p99: Spread;
  /** This plan's req/s over the baseline's, per round. */
  rpsRatio: Spread;
  p99Ratio: Spread;
  /** Time per request above the baseline's at saturation: 1/rps - 1/rps(baseline), in µs. */
  extraMicros: Spread;
  /** The same against the reference plan (the unchanged gateway): what this variant adds or saves. */
  vsReference?: Spread;
}

export interface Rounds {
  baseline: string;
  reference?: string;
  connections: number;
  rounds: number;
  seconds: number;
  rows: RoundRow[];
}

export async function runRounds(
  plans: Plan[],
  keys: { baseline: string; reference?: string },
  rounds: number,
  progress: (line: string) => void,
): Promise<Rounds> {
  const connections = 10;
  const cells = new Map<string, CellResult[]>(plans.map((p) => [p.key, []]));
  for (let r = 0; r < rounds; r++) {
    const order = [...plans.slice(r % plans.length), ...plans.slice(0, r % plans.length)];
    for (const plan of order) {
      const spec = { url: plan.url, connections, seconds: LIMITS.roundSeconds, warmupSeconds: LIMITS.roundWarmupSeconds, expectStatus: EXPECT[plan.scenario] };
      const cell = await measureCell({ ...spec, ...pools(plan, connections, spec.seconds, spec.warmupSeconds) });
      cells.get(plan.key)!.push(cell);
      progress(`round ${r + 1}/${rounds} ${plan.key.padEnd(44)} ${String(cell.rps).padStart(6)} req/s  p99 ${cell.p99} ms${flags(cell)}`);
    }
  }
  const { baseline, reference } = keys;
  const base = cells.get(baseline);
  if (!base) throw new Error(`no baseline ${baseline} among the plans`);
  const ref = reference === undefined ? undefined : cells.get(reference);
  const micros = (a: CellResult, b: CellResult) => 1e6 / a.rps - 1e6 / b.rps;
  const rows = plans.map((plan): RoundRow => {
    const own = cells.get(plan.key)!;
    return {
      key: plan.key,
      target: plan.target,
      scenario: plan.scenario,
      source: plan.source,
      cells: own,
      rps: spread(own.map((c) => c.rps)),
      p99: spread(own.map((c) => c.p99)),
      rpsRatio: spread(
        own.map((c, i) => c.rps / base[i]!.rps),
        2,
      ),
      p99Ratio: spread(
        own.map((c, i) => c.p99 / base[i]!.p99),
        2,
      ),
      extraMicros: spread(
        own.map((c, i) => micros(c, base[i]!)),
        0,
      ),
      ...(ref && {
        vsReference: spread(
          own.map((c, i) => micros(c, ref[i]!)),
          0,
        ),
      }),
    };
  });
  return { baseline, ...(reference !== undefined && { reference }), connections, rounds, seconds: LIMITS.roundSeconds, rows };
}

function spread(values: number[], digits = 3): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median, digits), min: round(sorted[0]!, digits), max: round(sorted[sorted.length - 1]!, digits) };
}
