import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LIMITS, PEAK_FACTOR, perDayOf, ROW_BYTES_LOG_ON, SHARD_REQUESTS_PER_NOTIFICATION, size, sizingTable } from "../../scripts/lib/sizing";
import { DEFAULT_LEDGER_SHARDS, MAX_LEDGER_SHARDS } from "../../src/config/ledger";

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

  it("reads --per-day as digits, with separators, or with K and M", () => {
    expect(perDayOf("10000000")).toBe(10e6);
    expect(perDayOf("10,000,000")).toBe(10e6);
    expect(perDayOf("1.5M")).toBe(1.5e6);
    expect(perDayOf("250k")).toBe(250e3);
    expect(perDayOf("ten")).toBeNull();
    expect(perDayOf("-5")).toBeNull();
  });
});
