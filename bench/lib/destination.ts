/**
 * Where a bench run writes its report. The committed bench/results/latest.{md,json} comes
 * only from a full run (cells of at least the default length) or with `--write-latest`;
 * a quick look (`BENCH_SECONDS=1`) goes to the git-ignored bench/results/quick/. Pure, so
 * the tests inside workerd can check the rule.
 */
export const DEFAULT_CELL_SECONDS = 4;
export const WRITE_LATEST_FLAG = "--write-latest";

/** BENCH_SECONDS as the cells' length: 1 to 10 seconds, the default when unset or not a number. */
export function cellSecondsFrom(value: string | undefined): number {
  return Math.min(10, Math.max(1, Number(value ?? DEFAULT_CELL_SECONDS) || DEFAULT_CELL_SECONDS));
}

export interface Destination {
  /** Relative to the repository root. */
  dir: string;
  committed: boolean;
  /** One line for the run's output saying where the report went and why. */
  note: string;
}

export function reportDestination(cellSeconds: number, argv: readonly string[]): Destination {
  if (argv.includes(WRITE_LATEST_FLAG)) {
    return { dir: "bench/results", committed: true, note: `wrote bench/results/latest.md and latest.json (${WRITE_LATEST_FLAG})` };
  }
  if (cellSeconds >= DEFAULT_CELL_SECONDS) {
    return { dir: "bench/results", committed: true, note: "wrote bench/results/latest.md and latest.json (a full run)" };
  }
  return {
    dir: "bench/results/quick",
    committed: false,
    note:
      `wrote bench/results/quick/latest.md and latest.json: a quick look (${cellSeconds} s cells), not the committed report, ` +
      `which only a full run (cells of ${DEFAULT_CELL_SECONDS} s or more) or ${WRITE_LATEST_FLAG} writes`,
  };
}
