import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BATCH, RETRY_BATCH } from "../../bench/lib/cost";
import { CONSUMER } from "../../bench/lib/delivery";
import { BATCH_SECONDS, CONCURRENCY_FILL, configuredQueues, planQueues, QUEUE_LIMITS, queueToml } from "../../scripts/lib/queue-sizing";
import {
  KEY_GOVERNOR_CALLS_PER_NOTIFICATION,
  LIMITS,
  PEAK_FACTOR,
  perDayOf,
  ROW_BYTES_LOG_ON,
  SHARD_REQUESTS_PER_NOTIFICATION,
  size,
  sizingTable,
} from "../../scripts/lib/sizing";
import { DEFAULT_LEDGER_SHARDS, MAX_LEDGER_SHARDS } from "../../src/config/ledger";
import { MAX_DELIVERY_QUEUES } from "../../src/queue/delivery-queues";

const VOLUMES = [1e6, 10e6, 100e6];

describe("sizing a gateway for a volume", () => {
  it.each(VOLUMES)("keeps every store of %d notifications a day inside Cloudflare's documented limits", (perDay) => {
    const s = size({ perDay });
    const peak = (perDay / 86_400) * PEAK_FACTOR;
    // A Durable Object: 10 GB, about 1,000 requests a second.
    expect(s.bytesPerShard).toBeLessThanOrEqual(LIMITS.shardBytes * 0.8);
    expect((peak * SHARD_REQUESTS_PER_NOTIFICATION) / s.shards).toBeLessThanOrEqual(LIMITS.shardRequestsPerSecond);
    expect(s.shards).toBeGreaterThanOrEqual(DEFAULT_LEDGER_SHARDS);
    expect(s.shards).toBeLessThanOrEqual(MAX_LEDGER_SHARDS);
    // Queues: 5,000 messages a second a queue.
    expect(peak / s.queues).toBeLessThanOrEqual(LIMITS.queueMessagesPerSecond);
    // An ordered route's key governors: about 1,000 requests a second each, 64 at most (ordered.shards).
    expect((peak * KEY_GOVERNOR_CALLS_PER_NOTIFICATION) / s.orderedShards).toBeLessThanOrEqual(LIMITS.shardRequestsPerSecond);
    expect(s.orderedShards).toBeLessThanOrEqual(64);
    // The log keeps at least the 7 days dedup needs, the 30 asked for when they fit.
    const days = s.daysOfLogAtCeiling ?? s.daysKept - 1;
    expect(days).toBeGreaterThanOrEqual(7);
    expect(s.storageBytes).toBeCloseTo(perDay * (days + 1) * ROW_BYTES_LOG_ON);
  });

  it("answers 100 M a day with the arithmetic: the ceiling's shards and a shorter log, or envelopes elsewhere", () => {
    const s = size({ perDay: 100e6 });
    expect(s.shardsForStorage).toBeGreaterThan(MAX_LEDGER_SHARDS);
    expect(s.shards).toBe(MAX_LEDGER_SHARDS);
    expect(s.daysOfLogAtCeiling).toBe(26);
    expect(s.queues).toBe(2);
    expect(s.advice).toMatch(/26 days.*R2.*209 shards/);
  });

  it("prices and benches the consumer batches wrangler.toml ships", () => {
    const shipped = readFileSync("wrangler.toml", "utf8");
    const [deliveries] = configuredQueues(shipped).queues;
    expect(deliveries?.consumer?.max_batch_size).toBe(BATCH);
    expect(CONSUMER.maxBatchSize).toBe(BATCH);
    const retries = /queue = "hookgate-retries"\nmax_batch_size = (\d+)/.exec(shipped);
    expect(Number(retries?.[1])).toBe(RETRY_BATCH);
  });

  it("is the table docs/deploy.md prints", () => {
    const deploy = readFileSync("docs/deploy.md", "utf8");
    expect(deploy).toContain(sizingTable(VOLUMES));
  });

  it("is what `npm run setup -- --per-day 10M` prints, and check-config warns when the config's shards fall short", () => {
    const setup = execFileSync(process.execPath, ["--import", "tsx", "scripts/setup.ts", "--per-day", "10M"], { encoding: "utf8" });
    expect(setup).toContain("ledger.shards: 64");
    expect(setup).toContain("delivery queues: 1");
    expect(setup).toContain("event log: 30 days");
    const check = execFileSync(process.execPath, ["--import", "tsx", "scripts/check-config.ts", "demo/config.json", "--local", "--per-day", "10000000"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(check).toContain("ledger.shards: 64");
  }, 60_000);

  it.each([
    [1e6, 1],
    [10e6, 1],
    [100e6, 1],
    [10e6, 3],
    [100e6, 3],
  ])(
    "plans queues for %d a day at %d routes a notification: each queue under 5,000 a second, each consumer draining twice its share within 250",
    (perDay, routes) => {
      const peak = (perDay / 86_400) * PEAK_FACTOR;
      const q = planQueues(peak, routes);
      const perQueue = (peak * routes) / q.queues;
      expect(perQueue).toBeLessThanOrEqual(LIMITS.queueMessagesPerSecond * 0.8);
      expect(q.queues).toBeLessThanOrEqual(MAX_DELIVERY_QUEUES);
      for (const [consumer, rate] of [
        [q.consumer, perQueue],
        [q.retries, q.retriesPerSecond],
      ] as const) {
        expect(consumer.max_batch_size).toBeLessThanOrEqual(QUEUE_LIMITS.maxBatchSize);
        expect(consumer.max_concurrency).toBeLessThanOrEqual(QUEUE_LIMITS.maxConcurrency);
        // What it drains at 0.5 s a batch is twice what the peak brings, unless 250 caps it.
        const drains = (consumer.max_concurrency * consumer.max_batch_size) / BATCH_SECONDS;
        expect(drains).toBeGreaterThanOrEqual(Math.min(rate * 2, (QUEUE_LIMITS.maxConcurrency * consumer.max_batch_size) / BATCH_SECONDS));
        expect(drains).toBeGreaterThanOrEqual(rate / CONCURRENCY_FILL - 1);
      }
      expect(q.retries.max_batch_size * q.retries.max_concurrency).toBeGreaterThanOrEqual(q.retriesPerSecond * BATCH_SECONDS);
    },
  );

  it("prints the wrangler.toml blocks of 100 M a day's queues, which check-config reads back without a warning", () => {
    const setup = execFileSync(process.execPath, ["--import", "tsx", "scripts/setup.ts", "--per-day", "100M"], { encoding: "utf8" });
    expect(setup).toContain("delivery queues: 2");
    expect(setup).toContain('binding = "DELIVERIES_1"');
    expect(setup).toContain("max_batch_size = 25");
    expect(setup).toContain("max_concurrency = 116");
    // wrangler.toml as shipped, its delivery consumers replaced by the printed blocks.
    const shipped = readFileSync("wrangler.toml", "utf8");
    const withoutConsumers = shipped.replace(/\[\[queues\.consumers\]\]\nqueue = "hookgate-(deliveries|retries)"[\s\S]*?(?=\n\n)/g, "");
    const plan = planQueues((100e6 / 86_400) * PEAK_FACTOR);
    const sized = `${withoutConsumers}\n\n${queueToml(plan)}\n`;
    expect(configuredQueues(sized).queues.map((q) => [q.queue, q.consumer?.max_batch_size])).toEqual([
      ["hookgate-deliveries", 25],
      ["hookgate-deliveries-1", 25],
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), "hookgate-sizing-"));
    writeFileSync(path.join(dir, "sized.toml"), sized);
    const check = (wrangler: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/check-config.ts", "demo/config.json", "--local", "--per-day", "100M", "--wrangler", wrangler], {
        encoding: "utf8",
      });
    const asShipped = check("wrangler.toml");
    expect(asShipped.status).toBe(0);
    expect(asShipped.stderr).toContain("wrangler.toml binds 1 delivery queue (DELIVERIES…), 2 are needed");
    // Its consumer (batches of 25, the platform's concurrency) drains what one queue takes.
    expect(asShipped.stderr).not.toMatch(/max_batch_size/);
    const asSized = check(path.join(dir, "sized.toml"));
    expect(asSized.status).toBe(0);
    expect(asSized.stderr).not.toMatch(/delivery queue|max_batch_size|no consumer/);
  }, 60_000);

  it("reads --per-day as digits, with separators, or with K and M", () => {
    expect(perDayOf("10000000")).toBe(10e6);
    expect(perDayOf("10,000,000")).toBe(10e6);
    expect(perDayOf("1.5M")).toBe(1.5e6);
    expect(perDayOf("250k")).toBe(250e3);
    expect(perDayOf("ten")).toBeNull();
    expect(perDayOf("-5")).toBeNull();
  });
});
