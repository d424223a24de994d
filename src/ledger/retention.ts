import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { log } from "../log";
import { TOTALS_MINUTE } from "../observability/metrics";
import { reportFill } from "./fill-report";
import { allShards, shardStub } from "./shard";
import { dayOf } from "./tables";

const DAY = 86_400_000;
/** Rows deleted a statement, and statements a run: a run stays well inside one invocation's limits. */
const ROWS_PER_DELETE = 5_000;
const DELETES_PER_RUN = 40;

/** The longest dedup window a source may have (the default is 7 days; configs may set more). */
function longestWindowMs(config: GatewayConfig): number {
  const windows = Object.values(config.sources).map((s) => (s.dedupTtlSeconds ?? 7 * 86_400) * 1000);
  return Math.max(7 * DAY, ...windows);
}

/**
 * Retention and the size guard, from the hourly Cron Trigger: each shard drops its day tables
 * older than both the event log's retention and the longest dedup window (whole tables: no row
 * delete is billed), then measures itself and, at 80 % of `ledger.shardLimitBytes`, drops its
 * oldest days beyond the dedup window (fill.ts). D1 loses its old metrics, alerts and the rows
 * of the event log before the ledger. What the shards measured is kept for the metrics scrape.
 */
export async function pruneLedger(env: Bindings, config: GatewayConfig, now: Date): Promise<void> {
  const dedupMs = longestWindowMs(config) + DAY;
  const keepMs = Math.max(config.eventLog.enabled ? config.eventLog.retentionDays * DAY : 0, dedupMs);
  const input = { keepFromDay: dayOf(now.getTime() - keepMs), dedupFromDay: dayOf(now.getTime() - dedupMs), limitBytes: config.ledger.shardLimitBytes };
  const namespace = env.LEDGER;
  const [, fills] = await Promise.all([
    pruneEventLog(env, config, now),
    Promise.all(
      (namespace ? allShards(config.ledger) : []).map((shard) =>
        shardStub(namespace!, config.ledger, shard)
          .maintain(input)
          .then((fill) => ({ shard, ...fill }))
          .catch((error: unknown) => {
            log({ event: "ledger_prune_failed", shard, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
            return undefined;
          }),
      ),
    ),
  ]);
  await reportFill(
    env,
    config,
    fills.filter((f) => f !== undefined),
    now,
  );
}

/**
 * D1: deletes what is older than `eventLog.retentionDays`, oldest first. Rows are in receipt order
 * by `seq` (near enough: a quarantined request replayed later keeps its first receipt time),
 * so each delete reads only the rows it removes and one more: no index on time is needed. A run removes at most DELETES_PER_RUN × ROWS_PER_DELETE events; what is left is
 * removed by the next runs. Never throws: a failed prune is logged and tried again next time.
 */
export async function pruneEventLog(env: Bindings, config: GatewayConfig, now: Date): Promise<{ events: number; requests: number; metrics: number }> {
  const pruned = { events: 0, requests: 0, metrics: 0 };
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  if (!db) return pruned;
  const cutoff = now.getTime() - config.eventLog.retentionDays * DAY;
  try {
    for (const [table, column] of [
      ["events", "received_at"],
      ["requests", "at"],
    ] as const) {
      for (let i = 0; i < DELETES_PER_RUN; i++) {
        const result = await db
          // The first row young enough to keep bounds the delete: reading stops there instead of
          // scanning a table whose old rows are already gone.
          .prepare(
            `DELETE FROM ${table} WHERE seq IN (SELECT seq FROM ${table} WHERE seq < coalesce(
               (SELECT seq FROM ${table} WHERE ${column} >= ?1 ORDER BY seq LIMIT 1), (SELECT max(seq) + 1 FROM ${table}), 0)
             ORDER BY seq LIMIT ?2)`,
          )
          .bind(cutoff, ROWS_PER_DELETE)
          .run();
        pruned[table] += result.meta.changes;
        if (result.meta.changes < ROWS_PER_DELETE) break;
      }
    }
    const metrics = await db
      // The totals' rows (minute TOTALS_MINUTE) stay: Prometheus counters must never go down.
      .prepare("DELETE FROM metrics WHERE minute > ?1 AND minute < ?2")
      .bind(TOTALS_MINUTE, Math.floor(cutoff / 60_000))
      .run();
    pruned.metrics = metrics.meta.changes;
    await db.prepare("DELETE FROM dead_letters WHERE expires_at <= ?1").bind(now.getTime()).run();
    await db
      .prepare("DELETE FROM alerts WHERE fired_at < ?1")
      .bind(now.getTime() - DAY)
      .run();
    log({ event: "event_log_pruned", ...pruned });
  } catch (error) {
    log({ event: "event_log_prune_failed", error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
  return pruned;
}
