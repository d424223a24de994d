import type { GatewayConfig, Reconcile } from "../config/schema";
import type { Bindings } from "../env";
import { acceptEnvelopes } from "../ingest/accept";
import { log } from "../log";
import type { RoutingRule } from "../routing/store";
import { recoveredEnvelopes } from "./envelopes";
import { listPix } from "./pix-api";
import { PspError, type PspFetch, pspFetch } from "./psp";
import { currentScan, isDue, type ReconcileState, readState, retryAt, writeState } from "./state";

/** What one invocation may still spend, shared by every source it reconciles. */
export interface Budget {
  envelopes: number;
}

export interface SourceRun {
  env: Bindings;
  config: GatewayConfig;
  name: string;
  reconcile: Reconcile;
  dedupTtlSeconds: number;
  routes: RoutingRule[];
  now: number;
  fetch: PspFetch;
  budget: Budget;
  waitUntil: (promise: Promise<unknown>) => void;
}

export interface SourceRunResult {
  source: string;
  outcome: "not_due" | "complete" | "partial" | "failed";
  pages: number;
  recovered: string[];
  duplicates: number;
  unreadable: number;
  error?: string;
}

/**
 * One source's turn: read pages of its current scan until the scan ends, the run has read
 * `maxPagesPerRun` pages or the invocation's envelope budget is spent, then keep where it
 * stopped. A failing PSP ends the turn; the state says which page to ask for again.
 */
export async function reconcileSource(run: SourceRun): Promise<SourceRunResult> {
  const { env, name, reconcile, now, budget } = run;
  const result: SourceRunResult = { source: name, outcome: "not_due", pages: 0, recovered: [], duplicates: 0, unreadable: 0 };
  const state = await readState(env.STATE, name);
  if (!isDue(state, now)) return result;

  const scan = currentScan(state, reconcile, now, run.dedupTtlSeconds);
  state.totals.runs += 1;
  result.outcome = "partial";
  try {
    const fetch = pspFetch(reconcile, env, run.fetch);
    while (result.pages < reconcile.maxPagesPerRun && budget.envelopes > 0) {
      const page = await listPix(reconcile, fetch, { inicio: new Date(scan.inicio), fim: new Date(scan.fim), page: scan.page }, now);
      result.pages += 1;
      const { envelopes, unreadable } = await recoveredEnvelopes(name, page.items, new Date(now));
      if (scan.skip === 0) result.unreadable += unreadable;
      const remaining = envelopes.slice(scan.skip);
      const taken = remaining.slice(0, budget.envelopes);
      budget.envelopes -= taken.length;
      if (taken.length > 0) {
        const accepted = await acceptEnvelopes(
          {
            env,
            config: run.config,
            source: { name, dedupTtlSeconds: run.dedupTtlSeconds },
            now: new Date(now),
            waitUntil: run.waitUntil,
            dedup: "check",
            routes: run.routes,
          },
          taken,
        );
        result.recovered.push(...accepted.accepted);
        result.duplicates += accepted.duplicates.length;
      }
      if (taken.length < remaining.length) {
        scan.skip += taken.length; // the budget ran out inside this page
        break;
      }
      scan.skip = 0;
      if (!page.more) {
        result.outcome = "complete";
        break;
      }
      scan.page += 1;
    }
    settle(state, result, scan, reconcile, now);
  } catch (error) {
    fail(state, result, scan, reconcile, now, error);
  }
  state.totals.pages += result.pages;
  state.totals.recovered += result.recovered.length;
  await writeState(env.STATE, name, state);
  log({
    event: result.error === undefined ? "reconcile_run" : "reconcile_failed",
    source: name,
    outcome: result.outcome,
    pages: result.pages,
    recovered: result.recovered.length,
    duplicates: result.duplicates,
    unreadable: result.unreadable,
    ...(result.error === undefined ? {} : { error: result.error, consecutiveFailures: state.consecutiveFailures }),
  });
  return result;
}

function settle(state: ReconcileState, result: SourceRunResult, scan: NonNullable<ReconcileState["scan"]>, reconcile: Reconcile, now: number): void {
  state.consecutiveFailures = 0;
  if (result.outcome === "complete") {
    state.lastCompletedFim = scan.fim;
    state.scan = undefined;
    state.nextRunAt = new Date(Date.parse(scan.startedAt) + reconcile.everyMinutes * 60_000).toISOString();
  } else {
    state.scan = scan; // goes on at the next tick
    state.nextRunAt = new Date(now).toISOString();
  }
}

/** The PSP (or the queue) failed: keep the scan at the page that failed and try again later. */
function fail(
  state: ReconcileState,
  result: SourceRunResult,
  scan: NonNullable<ReconcileState["scan"]>,
  reconcile: Reconcile,
  now: number,
  error: unknown,
): void {
  const psp = error instanceof PspError ? error : undefined;
  result.outcome = "failed";
  result.error = psp?.code ?? "accept_failed";
  state.scan = scan;
  state.consecutiveFailures += 1;
  state.totals.failures += 1;
  state.lastError = { code: result.error, ...(psp?.status === undefined ? {} : { status: psp.status }), at: new Date(now).toISOString() };
  state.nextRunAt = retryAt(now, state.consecutiveFailures, reconcile.everyMinutes, psp?.retryAfterSeconds);
}
