import * as z from "zod";
import type { Reconcile } from "../config/schema";
import { log } from "../log";
import { dedupFloor } from "./envelopes";

/**
 * Where a source's reconciliation stands, in STATE under `reconcile:{source}`: the scan in
 * progress (its fixed window and the page it reached), when the last scan that finished
 * ended, when to run next, and counts an operator can read. One key per source, written
 * once per run: KV's one-write-per-second-per-key limit is far away.
 *
 * A scan's window is fixed when it starts (`fim` = the start time), so its pages do not shift
 * under it while later runs read on: paging by offset stays sound. The next scan starts
 * `windowMinutes` before the last finished scan's end, however long ago that was, so an outage
 * of any length is read over (capped at the source's dedup window, less a margin: further back
 * the dedup marks may be gone, and what the webhook delivered would be delivered again).
 */
export const ReconcileState = z.object({
  v: z.literal(1),
  /** ISO time; absent or past: due. */
  nextRunAt: z.string().optional(),
  lastCompletedFim: z.string().optional(),
  scan: z
    .object({
      inicio: z.string(),
      fim: z.string(),
      startedAt: z.string(),
      page: z.number().int().min(0),
    })
    .optional(),
  consecutiveFailures: z.number().int().min(0),
  lastError: z.object({ code: z.string(), status: z.number().int().optional(), at: z.string() }).optional(),
  /** This cron's runs and the pages it read itself; pages read from the RECONCILE queue count in the metrics (`hookgate_reconcile_total`). */
  totals: z.object({
    runs: z.number().int(),
    pages: z.number().int(),
    recovered: z.number().int(),
    failures: z.number().int(),
    /** Items past what dedup still covers: not delivered. */
    tooOld: z.number().int().default(0),
  }),
});
export type ReconcileState = z.infer<typeof ReconcileState>;
export type Scan = NonNullable<ReconcileState["scan"]>;

export const stateKey = (source: string) => `reconcile:${source}`;

const EMPTY: ReconcileState = { v: 1, consecutiveFailures: 0, totals: { runs: 0, pages: 0, recovered: 0, failures: 0, tooOld: 0 } };

/** An unreadable state starts afresh (logged): reading a window again costs only duplicates. */
export async function readState(kv: KVNamespace, source: string): Promise<ReconcileState> {
  const raw = await kv.get(stateKey(source), "json");
  if (raw === null) return structuredClone(EMPTY);
  const parsed = ReconcileState.safeParse(raw);
  if (parsed.success) return parsed.data;
  log({ event: "reconcile_state_reset", source });
  return structuredClone(EMPTY);
}

export async function writeState(kv: KVNamespace, source: string, state: ReconcileState): Promise<void> {
  await kv.put(stateKey(source), JSON.stringify(state));
}

/** A scan in progress that did not just fail goes on at the next tick; anything else waits for nextRunAt. */
export function isDue(state: ReconcileState, now: number): boolean {
  if (state.scan !== undefined && state.consecutiveFailures === 0) return true;
  return state.nextRunAt === undefined || Date.parse(state.nextRunAt) <= now;
}

/** The scan to work on: the one in progress, or a new one reaching back over any gap. */
export function currentScan(state: ReconcileState, reconcile: Reconcile, now: number, dedupTtlSeconds: number): Scan {
  if (state.scan !== undefined) return state.scan;
  const lastEnd = state.lastCompletedFim === undefined ? now : Math.min(now, Date.parse(state.lastCompletedFim));
  const inicio = Math.max(dedupFloor(now, dedupTtlSeconds), lastEnd - reconcile.windowMinutes * 60_000);
  const at = new Date(now).toISOString();
  return { inicio: new Date(inicio).toISOString(), fim: at, startedAt: at, page: 0 };
}

/** Backoff after failures: 1, 2, 4 ... minutes, never longer than the source's own interval (or a longer Retry-After, up to an hour). */
export function retryAt(now: number, failures: number, everyMinutes: number, retryAfterSeconds?: number): string {
  const backoff = Math.min(everyMinutes, 2 ** Math.min(failures - 1, 10)) * 60_000;
  const asked = Math.min(retryAfterSeconds ?? 0, 3600) * 1000;
  return new Date(now + Math.max(backoff, asked)).toISOString();
}
