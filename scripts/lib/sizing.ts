import { BASE_PER_MONTH, DESIGNED, monthlyTotal } from "../../bench/lib/cost";
import { adapters } from "../../src/adapters";
import { DEFAULT_ORDERED_SHARDS } from "../../src/config/governance";
import { DEFAULT_LEDGER_SHARDS, MAX_LEDGER_SHARDS } from "../../src/config/ledger";
import type { GatewayConfig } from "../../src/config/schema";
import { type ConfiguredQueues, planQueues, type QueuePlan, queueWarnings } from "./queue-sizing";

/**
 * What a gateway needs for a volume: ledger shards, delivery queues, days of event log, storage
 * and cost, from the platform's documented limits and the ledger's measured rows. Pure: `npm run
 * setup -- --per-day N`, `npm run check-config -- FILE --per-day N` and docs/deploy.md's table
 * (checked by test/node/sizing.test.ts) all print what this computes.
 */

/** Cloudflare's documented limits. */
export const LIMITS = {
  /** A Durable Object's SQLite storage. */
  shardBytes: 10e9,
  /** A Durable Object's soft limit on requests a second. */
  shardRequestsPerSecond: 1000,
  /** Messages a second one queue takes. */
  queueMessagesPerSecond: 5000,
  /** A D1 database. */
  d1Bytes: 10e9,
  /** KV writes a second to one key. */
  kvWritesPerKeyPerSecond: 1,
} as const;

/** How a day's traffic is planned for: its peak second is this many times its average. */
export const PEAK_FACTOR = 5;
/** A shard is planned to 80 % of its storage: the ledger alerts there and drops days beyond dedup before it is full. */
export const SHARD_FILL = 0.8;
/** Durable Object requests a notification costs its shard: reserve, confirm, the consumer's report. */
export const SHARD_REQUESTS_PER_NOTIFICATION = 3;
/**
 * Calls an ordered route's key governors take a notification (#30.4): its number at acceptance,
 * and its share of a batch's decide and report (a batch of 25 over 16 key governors touches ~12:
 * ~1 call a message).
 */
export const KEY_GOVERNOR_CALLS_PER_NOTIFICATION = 2;

/** Bytes a notification's row takes with the event log on: a typical 0.7–0.9 KB envelope with a couple of attempts (bench/results/ledger.md measures 539 B for a 0.3 KB one). */
export const ROW_BYTES_LOG_ON = 1500;
/** With the log off a shard keeps the mark alone (key, id, time). */
export const ROW_BYTES_LOG_OFF = 100;
/** A row whose envelope lives elsewhere (R2): the measured row of a small envelope. */
export const ROW_BYTES_WITHOUT_ENVELOPE = 539;
/** The console's list fans out to every shard in one invocation (1,000 subrequests): the ceiling keeps room. */
export { MAX_LEDGER_SHARDS };

const DAY_SECONDS = 86_400;
const SHARD_STEP = 16;
/** Durable Objects' SQLite storage past the 5 GB included, USD a GB-month. */
const STORAGE_PER_GB_MONTH = 0.2;

export interface SizingInput {
  perDay: number;
  /** Matching routes per notification. */
  routes?: number;
  eventLog?: boolean;
  retentionDays?: number;
  /** The longest `dedupTtlSeconds` of any source, in days. */
  dedupDays?: number;
  rowBytes?: number;
}

export interface Sizing {
  perDay: number;
  averagePerSecond: number;
  peakPerSecond: number;
  /** Shards needed for the peak's requests and for the rows kept; at least the default. */
  shards: number;
  shardsForRate: number;
  shardsForStorage: number;
  /** Days of rows kept: the log's retention (or the dedup window, log off), plus the day being written. */
  daysKept: number;
  /** When more shards are needed than the ceiling: the days of log that fit at the ceiling. */
  daysOfLogAtCeiling?: number;
  /** Delivery queues for the peak's messages (notifications × routes) at 80 % of 5,000 a second each. */
  queues: number;
  /** The queues and their consumers' settings (./queue-sizing.ts). */
  queuePlan: QueuePlan;
  /** `ordered.shards` for a route that takes every notification: its peak's key governor calls at 1,000 a second each, in powers of two. */
  orderedShards: number;
  bytesPerShard: number;
  storageBytes: number;
  monthlyCost: number;
  /** What to do when the ceiling is not enough, in words. */
  advice?: string;
}

export function size(input: SizingInput): Sizing {
  const { perDay } = input;
  const routes = input.routes ?? 1;
  const eventLog = input.eventLog ?? true;
  const retentionDays = input.retentionDays ?? 30;
  const dedupDays = input.dedupDays ?? 7;
  const rowBytes = input.rowBytes ?? (eventLog ? ROW_BYTES_LOG_ON : ROW_BYTES_LOG_OFF);
  const averagePerSecond = perDay / DAY_SECONDS;
  const peakPerSecond = averagePerSecond * PEAK_FACTOR;
  const daysKept = (eventLog ? Math.max(retentionDays, dedupDays) : dedupDays) + 1;
  const storageBytes = perDay * daysKept * rowBytes;
  const shardsForRate = Math.ceil((peakPerSecond * SHARD_REQUESTS_PER_NOTIFICATION) / LIMITS.shardRequestsPerSecond);
  const shardsForStorage = Math.ceil(storageBytes / (LIMITS.shardBytes * SHARD_FILL));
  // In steps of 16, the default: room to grow before the count must change (docs/event-log.md says how).
  const needed = Math.ceil(Math.max(DEFAULT_LEDGER_SHARDS, shardsForRate, shardsForStorage) / SHARD_STEP) * SHARD_STEP;
  const shards = Math.min(needed, MAX_LEDGER_SHARDS);
  const queuePlan = planQueues(peakPerSecond, routes);
  const notificationsPerMonth = perDay * 30;
  const storageCost = Math.max(0, storageBytes / 1e9 - 5) * STORAGE_PER_GB_MONTH;
  const ops = eventLog ? DESIGNED.logOn : DESIGNED.logOff;
  // Each route past the first: its messages, its update (the base is counted once).
  const extraRoutes = Math.max(0, routes - 1) * (monthlyTotal(DESIGNED.extraRoute, notificationsPerMonth) - BASE_PER_MONTH);
  const monthlyCost = monthlyTotal(ops, notificationsPerMonth) + extraRoutes + storageCost;
  const sizing: Sizing = {
    perDay,
    averagePerSecond,
    peakPerSecond,
    shards,
    shardsForRate,
    shardsForStorage,
    daysKept,
    queues: queuePlan.queues,
    queuePlan,
    orderedShards: Math.max(
      DEFAULT_ORDERED_SHARDS,
      2 ** Math.ceil(Math.log2(Math.ceil((peakPerSecond * KEY_GOVERNOR_CALLS_PER_NOTIFICATION) / LIMITS.shardRequestsPerSecond))),
    ),
    bytesPerShard: storageBytes / shards,
    storageBytes,
    monthlyCost,
  };
  if (needed > MAX_LEDGER_SHARDS) {
    const fit = Math.floor((MAX_LEDGER_SHARDS * LIMITS.shardBytes * SHARD_FILL) / (perDay * rowBytes)) - 1;
    sizing.daysOfLogAtCeiling = fit;
    sizing.storageBytes = perDay * (fit + 1) * rowBytes;
    sizing.bytesPerShard = sizing.storageBytes / shards;
    sizing.monthlyCost -= storageCost - Math.max(0, sizing.storageBytes / 1e9 - 5) * STORAGE_PER_GB_MONTH;
    const withoutEnvelope = Math.ceil((perDay * daysKept * ROW_BYTES_WITHOUT_ENVELOPE) / (LIMITS.shardBytes * SHARD_FILL));
    sizing.advice =
      fit >= dedupDays
        ? `${needed} shards would be needed, more than ${MAX_LEDGER_SHARDS}: keep the event log ${fit} days (eventLog.retentionDays) at ${MAX_LEDGER_SHARDS} shards, or keep envelopes in R2 (rows of ${ROW_BYTES_WITHOUT_ENVELOPE} B: ${withoutEnvelope} shards for ${daysKept - 1} days), or turn the log off (marks only: ${Math.ceil((perDay * (dedupDays + 1) * ROW_BYTES_LOG_OFF) / (LIMITS.shardBytes * SHARD_FILL))} shards)`
        : `${needed} shards would be needed and even ${MAX_LEDGER_SHARDS} hold only ${fit} days, less than the dedup window: turn the event log off or keep envelopes in R2`;
  }
  return sizing;
}

const GB = 1e9;

function money(n: number): string {
  return `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
}

function count(n: number): string {
  return n >= 1e6 ? `${n / 1e6} M` : n.toLocaleString("en-US");
}

/** The lines `--per-day N` prints. */
export function describeSizing(s: Sizing): string[] {
  const days = s.daysOfLogAtCeiling ?? s.daysKept - 1;
  const lines = [
    `for ${count(s.perDay)} notifications a day (${s.averagePerSecond.toFixed(0)}/s on average, ${s.peakPerSecond.toFixed(0)}/s at a ${PEAK_FACTOR}× peak):`,
    `  ledger.shards: ${s.shards} (the peak needs ${s.shardsForRate}, ${s.daysKept} days of rows need ${s.shardsForStorage}; ceiling ${MAX_LEDGER_SHARDS})`,
    ...describeQueues(s.queuePlan),
    `  an ordered route taking every notification: ordered.shards ${s.orderedShards} (${Math.round(s.peakPerSecond * KEY_GOVERNOR_CALLS_PER_NOTIFICATION).toLocaleString("en-US")} key governor calls a second at the peak, ${LIMITS.shardRequestsPerSecond.toLocaleString("en-US")} each)`,
    `  event log: ${days} days; ${(s.bytesPerShard / GB).toFixed(1)} GB a shard of ${LIMITS.shardBytes / GB} GB, ${(s.storageBytes / GB).toFixed(0)} GB in all`,
    `  cost: about ${money(s.monthlyCost)} a month (Workers Paid, one route, storage included)`,
  ];
  if (s.advice) lines.push(`  note: ${s.advice}`);
  return lines;
}

function describeQueues(q: QueuePlan): string[] {
  const perQueue = Math.round(q.messagesPerSecond / q.queues).toLocaleString("en-US");
  return [
    `  delivery queues: ${q.queues} (${Math.round(q.messagesPerSecond).toLocaleString("en-US")} messages/s at the peak, ${perQueue} a queue of ${LIMITS.queueMessagesPerSecond.toLocaleString("en-US")})${q.overCeiling ? "; more than the gateway reads: fewer routes a notification" : ""}`,
    `  each delivery queue's consumer: max_batch_size = ${q.consumer.max_batch_size}, max_concurrency = ${q.consumer.max_concurrency}`,
    `  retries queue: ${Math.round(q.retriesPerSecond).toLocaleString("en-US")} messages/s at the peak; its consumer: max_batch_size = ${q.retries.max_batch_size}, max_concurrency = ${q.retries.max_concurrency}`,
  ];
}

/** The table docs/deploy.md carries for 1 M, 10 M and 100 M a day. */
export function sizingTable(volumes: number[] = [1e6, 10e6, 100e6]): string {
  const rows = volumes.map((perDay) => {
    const s = size({ perDay });
    const days = s.daysOfLogAtCeiling ?? s.daysKept - 1;
    const consumer = `${s.queuePlan.consumer.max_batch_size} × ${s.queuePlan.consumer.max_concurrency}`;
    return `| ${count(perDay)} | ${s.peakPerSecond.toFixed(0)} | ${s.shards} | ${s.queues} | ${consumer} | ${s.orderedShards} | ${days} | ${(s.bytesPerShard / GB).toFixed(1)} GB | ${(s.storageBytes / GB).toFixed(0)} GB | ${money(s.monthlyCost)} |`;
  });
  return [
    "| a day | peak /s | `ledger.shards` | delivery queues | a queue's consumer (batch × concurrency) | an ordered route's `ordered.shards` | days of log | a shard holds | ledger storage | a month |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** `--per-day`: digits, with `_` or `,` between, or a number and K or M; null when it is neither. */
export function perDayOf(text: string): number | null {
  const match = /^(\d+(?:[_,]\d{3})*|\d+(?:\.\d+)?[kKmM])$/.exec(text.trim());
  if (!match) return null;
  const unit = text.trim().slice(-1).toLowerCase();
  const value = unit === "k" || unit === "m" ? Number(text.trim().slice(0, -1)) * (unit === "k" ? 1e3 : 1e6) : Number(text.replace(/[_,]/g, ""));
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The sizing for a config: its event log, retention and longest dedup window. */
export function sizeForConfig(config: GatewayConfig, perDay: number, routes = 1): Sizing {
  const dedupSeconds = Object.values(config.sources).map((s) => s.dedupTtlSeconds ?? adapters[s.provider].defaultDedupTtlSeconds);
  return size({
    perDay,
    routes,
    eventLog: config.eventLog.enabled,
    retentionDays: config.eventLog.retentionDays,
    dedupDays: Math.ceil(Math.max(0, ...dedupSeconds) / DAY_SECONDS),
  });
}

/** Where the config falls short of the sizing. */
export function sizingWarnings(config: GatewayConfig, sizing: Sizing, queues?: ConfiguredQueues): string[] {
  const warnings: string[] = queues ? queueWarnings(queues, sizing.queuePlan) : [];
  for (const route of config.routes) {
    if (route.ordered && route.ordered.shards < sizing.orderedShards) {
      warnings.push(
        `route ${route.id}: ordered.shards is ${route.ordered.shards}, ${sizing.orderedShards} are needed if it takes every notification (docs/delivery.md)`,
      );
    }
  }
  if (config.ledger.shards < sizing.shards) {
    warnings.push(
      `ledger.shards is ${config.ledger.shards}, ${sizing.shards} are needed (set previousShards and previousShardsUntil when changing it: docs/event-log.md)`,
    );
  }
  if (sizing.daysOfLogAtCeiling !== undefined && config.eventLog.enabled && config.eventLog.retentionDays > sizing.daysOfLogAtCeiling) {
    warnings.push(
      `eventLog.retentionDays is ${config.eventLog.retentionDays}, at most ${sizing.daysOfLogAtCeiling} fit ${MAX_LEDGER_SHARDS} shards at this volume`,
    );
  }
  return warnings;
}
