import { log } from "../log";
import { count } from "../observability/metrics";
import { pagesAfter, sendPages } from "./fanout";
import { type PageContext, type PageResult, type ReconcileSource, reconcilePage } from "./page";
import { PspError } from "./psp";
import { currentScan, isDue, type ReconcileState, readState, retryAt, type Scan, writeState } from "./state";

/** What one invocation may still spend, shared by every source it reconciles. */
export interface Budget {
  pages: number;
}

/** A page's context, and the invocation's budget the cron's own reads spend. */
export interface SourceRun extends PageContext {
  budget: Budget;
}

export interface SourceRunResult {
  source: string;
  /** `complete`: every page read here or handed to the RECONCILE queue; `partial`: pages left for the next tick. */
  outcome: "not_due" | "complete" | "partial" | "failed";
  pages: number;
  /** Pages handed to the RECONCILE queue, each read by an invocation of its own. */
  fannedOut: number;
  recovered: string[];
  duplicates: number;
  unreadable: number;
  /** Past what dedup still covers: counted, not delivered. */
  tooOld: number;
  error?: string;
}

/**
 * One source's turn. Its first page is read here: it tells whether the PSP answers (a failing
 * PSP backs the source off, as the state keeps) and how many pages the window has. With the
 * RECONCILE queue bound, the pages after it go there, one message each (fanout.ts), and the
 * scan is done here; without it, this run reads on up to `maxPagesPerRun` pages or the
 * invocation's budget and keeps where it stopped for the next tick.
 */
export async function reconcileSource(run: SourceRun): Promise<SourceRunResult> {
  const { env, source, now, budget } = run;
  const name = source.name;
  const result: SourceRunResult = { source: name, outcome: "not_due", pages: 0, fannedOut: 0, recovered: [], duplicates: 0, unreadable: 0, tooOld: 0 };
  const state = await readState(env.STATE, name);
  if (!isDue(state, now)) return result;

  const scan = currentScan(state, source.reconcile, now, source.dedupTtlSeconds);
  state.totals.runs += 1;
  result.outcome = "partial";
  try {
    while (result.pages < source.reconcile.maxPagesPerRun && budget.pages > 0) {
      const page = await reconcilePage({ ...run, source }, scan);
      budget.pages -= 1;
      add(result, page);
      if (!page.answer.more) {
        result.outcome = "complete";
        break;
      }
      if (env.RECONCILE !== undefined) {
        const after = pagesAfter(name, scan, page.answer);
        await sendPages(env.RECONCILE, after);
        result.fannedOut = after.length;
        result.outcome = "complete";
        break;
      }
      scan.page += 1;
    }
    settle(state, result, scan, source, now);
  } catch (error) {
    fail(state, result, scan, source, now, error);
  }
  state.totals.pages += result.pages;
  state.totals.recovered += result.recovered.length;
  state.totals.tooOld += result.tooOld;
  await writeState(env.STATE, name, state);
  report(name, result, now, state.consecutiveFailures);
  return result;
}

function add(result: SourceRunResult, page: PageResult): void {
  result.pages += 1;
  result.recovered.push(...page.recovered);
  result.duplicates += page.duplicates;
  result.unreadable += page.unreadable;
  result.tooOld += page.tooOld;
}

/** The log line and the counters (`hookgate_reconcile_total`) of a run or a page. */
export function report(source: string, result: Omit<SourceRunResult, "source" | "outcome"> & { outcome: string }, now: number, failures?: number): void {
  log({
    event: result.error === undefined ? "reconcile_run" : "reconcile_failed",
    source,
    outcome: result.outcome,
    pages: result.pages,
    ...(result.fannedOut > 0 && { fannedOut: result.fannedOut }),
    recovered: result.recovered.length,
    duplicates: result.duplicates,
    unreadable: result.unreadable,
    tooOld: result.tooOld,
    ...(result.error === undefined ? {} : { error: result.error, ...(failures !== undefined && { consecutiveFailures: failures }) }),
  });
  const counts = {
    pages: result.pages,
    recovered: result.recovered.length,
    duplicate: result.duplicates,
    unreadable: result.unreadable,
    too_old: result.tooOld,
  };
  for (const [key, n] of Object.entries(counts)) if (n > 0) count("reconcile", source, key, now, n);
  if (result.error !== undefined) count("reconcile", source, "failed", now);
}

function settle(state: ReconcileState, result: SourceRunResult, scan: Scan, source: ReconcileSource, now: number): void {
  state.consecutiveFailures = 0;
  if (result.outcome === "complete") {
    state.lastCompletedFim = scan.fim;
    state.scan = undefined;
    state.nextRunAt = new Date(Date.parse(scan.startedAt) + source.reconcile.everyMinutes * 60_000).toISOString();
  } else {
    state.scan = scan; // goes on at the next tick
    state.nextRunAt = new Date(now).toISOString();
  }
}

/** The PSP (or the queue) failed: keep the scan at the page that failed and try again later. */
function fail(state: ReconcileState, result: SourceRunResult, scan: Scan, source: ReconcileSource, now: number, error: unknown): void {
  const psp = error instanceof PspError ? error : undefined;
  result.outcome = "failed";
  result.error = psp?.code ?? "accept_failed";
  state.scan = scan;
  state.consecutiveFailures += 1;
  state.totals.failures += 1;
  state.lastError = { code: result.error, ...(psp?.status === undefined ? {} : { status: psp.status }), at: new Date(now).toISOString() };
  state.nextRunAt = retryAt(now, state.consecutiveFailures, source.reconcile.everyMinutes, psp?.retryAfterSeconds);
}
