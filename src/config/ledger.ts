import * as z from "zod";
import { closed } from "./closed";

/** The event log (docs/event-log.md): what the ledger keeps beyond the dedup mark. */
export const EventLog = closed({
  enabled: z
    .boolean()
    .default(true)
    .describe("Keep each envelope, its requests and delivery attempts in the ledger. Off: only the dedup mark is kept (one row per notification)."),
  retentionDays: z.number().int().min(1).max(365).default(30).describe("How long the event log keeps rows, in days; whole day tables are dropped after it."),
}).describe("The event log: where is my notification.");

/**
 * Durable Objects a ledger may be spread over (docs/event-log.md says how to size it; `npm run
 * setup -- --per-day N` computes it). 512: 100 M notifications a day keep a 26-day log of
 * 1.5 KB rows at 80 % of 10 GB a shard. Not more: the console's list asks every shard in one
 * invocation (1,000 subrequests), and past 256 a request's reserve and confirm take
 * 2 × min(notifications, shards) calls, so large batches need `maxNotificationsPerRequest` ≤ 400.
 */
export const MAX_LEDGER_SHARDS = 512;
/** A SQLite Durable Object's storage limit (Cloudflare, paid plan): 10 GB. */
export const SHARD_STORAGE_LIMIT_BYTES = 10_000_000_000;
export const DEFAULT_LEDGER_SHARDS = 16;

const Shards = z.number().int().min(1).max(MAX_LEDGER_SHARDS);
const IsoDate = z.iso.datetime({ offset: true });

/** The ledger (docs/event-log.md): sharded SQLite Durable Objects that dedup and keep the event log. */
export const Ledger = closed({
  shards: Shards.default(DEFAULT_LEDGER_SHARDS).describe(
    "How many Durable Objects share the notifications, by a stable hash of the dedup key. Default 16; see docs/event-log.md to size it.",
  ),
  locationHint: z
    .enum(["wnam", "enam", "sam", "weur", "eeur", "apac", "oc", "afr", "me"])
    .optional()
    .describe('Where the shards are created, near the providers (e.g. "sam" for Brazil). Only takes effect when a shard is first created.'),
  shardLimitBytes: z
    .number()
    .int()
    .min(1_000_000)
    .max(SHARD_STORAGE_LIMIT_BYTES)
    .default(SHARD_STORAGE_LIMIT_BYTES)
    .describe(
      "A shard's storage limit in bytes (default Cloudflare's 10 GB). At 80 % the hourly check alerts and drops the oldest day tables the dedup windows no longer need.",
    ),
  previousShards: Shards.optional().describe("The shard count before the last change: until previousShardsUntil, acceptance also asks a key's old shard."),
  previousShardsUntil: IsoDate.optional().describe("When the old shard count stops being consulted: the change plus the longest dedupTtlSeconds."),
  kvMarksUntil: IsoDate.optional().describe(
    "Upgrading from KV dedup marks: until this time a notification the ledger has not seen is also looked up in DEDUP KV. The upgrade plus the longest dedupTtlSeconds.",
  ),
})
  .describe("The ledger: exactly-once acceptance and the event log, on sharded Durable Objects.")
  .check((ctx) => {
    const ledger = ctx.value;
    if ((ledger.previousShards === undefined) !== (ledger.previousShardsUntil === undefined)) {
      ctx.issues.push({ code: "custom", message: "previousShards and previousShardsUntil go together", path: ["previousShards"], input: undefined });
    }
  });
export type Ledger = z.infer<typeof Ledger>;
export type LedgerConfig = Ledger;
