import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { log } from "../log";
import { emitOperational } from "../observability/operational";
import { FILL_ALERT, type ShardFill } from "./fill";

/** Where the hourly check leaves each shard's size for the metrics scrape (one KV write an hour, one read a scrape). */
export const SHARD_BYTES_KEY = "ledger:shard-bytes";

export type MeasuredShard = ShardFill & { shard: number; dropped: string[]; unwritten: number };

/** What the scrape reads: each shard's bytes, as the last hourly check measured them. */
export interface ShardBytes {
  at: string;
  limitBytes: number;
  shards: { shard: number; bytes: number }[];
}

/**
 * Says what the hourly check found, loudly: each shard's size is kept for the scrape
 * (`hookgate_ledger_shard_bytes`); a shard at 80 % of its limit, one whose event log was
 * shortened to make room, and one holding marks it could not write each log a line and raise
 * an operational event (docs/event-log.md, "A full shard"). Never throws.
 */
export async function reportFill(env: Bindings, config: GatewayConfig, fills: MeasuredShard[], now: Date): Promise<void> {
  try {
    for (const fill of fills) {
      if (fill.dropped.length > 0) log({ event: "ledger_pruned", shard: fill.shard, dropped: fill.dropped });
      if (fill.shortened.length > 0) log({ event: "ledger_retention_shortened", shard: fill.shard, dropped: fill.shortened, oldestDay: fill.oldestDay });
      if (fill.usedBytes >= fill.limitBytes * FILL_ALERT)
        log({ event: "ledger_shard_filling", shard: fill.shard, bytes: fill.usedBytes, limitBytes: fill.limitBytes });
      if (fill.unwritten > 0) log({ event: "ledger_shard_unwritable", shard: fill.shard, marks: fill.unwritten });
    }
    const value: ShardBytes = {
      at: now.toISOString(),
      limitBytes: config.ledger.shardLimitBytes,
      shards: fills.map((f) => ({ shard: f.shard, bytes: f.bytes })),
    };
    await Promise.all([env.STATE.put(SHARD_BYTES_KEY, JSON.stringify(value)), ...fills.flatMap((fill) => alerts(env, config, fill, now))]);
  } catch (error) {
    log({ event: "ledger_fill_report_failed", error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
}

function alerts(env: Bindings, config: GatewayConfig, fill: MeasuredShard, now: Date): Promise<void>[] {
  const subject = `shard-${fill.shard}`;
  const sizes = { shard: fill.shard, bytes: fill.bytes, usedBytes: fill.usedBytes, limitBytes: fill.limitBytes, oldestDay: fill.oldestDay ?? null };
  const raised: Promise<void>[] = [];
  if (fill.usedBytes >= fill.limitBytes * FILL_ALERT || fill.shortened.length > 0) {
    const percent = Math.round((fill.usedBytes / fill.limitBytes) * 100);
    const shortened = fill.shortened.length > 0 ? `; dropped ${fill.shortened.join(", ")} (the event log keeps less)` : "";
    raised.push(
      emitOperational(
        env,
        config,
        {
          type: "hookgate.ledger.filling",
          subject,
          summary: `Ledger ${subject} is at ${percent} % of its limit${shortened}. Raise ledger.shards or shorten eventLog.retentionDays.`,
          data: { ...sizes, shortened: fill.shortened },
        },
        now,
      ),
    );
  }
  if (fill.unwritten > 0) {
    raised.push(
      emitOperational(
        env,
        config,
        {
          type: "hookgate.ledger.unwritable",
          subject,
          summary: `Ledger ${subject} cannot write: ${fill.unwritten} dedup marks are kept in memory only, and new notifications to it are answered 503.`,
          data: { ...sizes, marks: fill.unwritten },
        },
        now,
      ),
    );
  }
  return raised;
}
