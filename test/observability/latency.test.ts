import { describe, expect, it } from "vitest";
import { LATENCY_BOUNDS_MS, latencyBucket, quantile } from "../../src/observability/latency";

const histogram = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe("the receipt-to-delivery histogram", () => {
  it("puts a duration in the bucket of the first bound at or above it, past the last in the open one", () => {
    expect(latencyBucket(0)).toBe("10");
    expect(latencyBucket(980)).toBe("1000");
    expect(latencyBucket(1000)).toBe("1000");
    expect(latencyBucket(1001)).toBe("1250");
    expect(latencyBucket(21_600_001)).toBe("inf");
  });

  it("steps by at most 1.5 times from 50 ms to 10 s, and keeps every bound it had before", () => {
    const upTo10s = LATENCY_BOUNDS_MS.filter((b) => b >= 50 && b <= 10_000);
    for (let i = 1; i < upTo10s.length; i++) expect(upTo10s[i]! / upTo10s[i - 1]!).toBeLessThanOrEqual(1.5);
    for (const earlier of [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 1_800_000, 3_600_000, 21_600_000]) {
      expect(LATENCY_BOUNDS_MS).toContain(earlier);
    }
  });

  it("interpolates inside the bucket and says which bucket: a delivery of ~1 s reads about 1 s, not 2.5 s", () => {
    // Ten deliveries of 900–1000 ms: bucket (750, 1000].
    expect(quantile(histogram({ "1000": 10 }), 0.5)).toEqual({ value: 875, from: 750, to: 1000 });
    expect(quantile(histogram({ "1000": 10 }), 0.99)).toEqual({ value: 998, from: 750, to: 1000 });
    // 90 fast, 10 slow: p50 among the fast, p99 among the slow.
    const mixed = histogram({ "100": 90, "5000": 10 });
    expect(quantile(mixed, 0.5)).toEqual({ value: 89, from: 75, to: 100 });
    expect(quantile(mixed, 0.99)).toEqual({ value: 4900, from: 4000, to: 5000 });
    // The first bucket starts at 0.
    expect(quantile(histogram({ "10": 2 }), 0.5)).toEqual({ value: 5, from: 0, to: 10 });
  });

  it("reports the last bound as a floor in the open bucket, and nothing for an empty histogram", () => {
    expect(quantile(histogram({ "100": 1, inf: 1 }), 0.99)).toEqual({ value: 21_600_000, from: 21_600_000, to: null });
    expect(quantile(histogram({}), 0.5)).toBeUndefined();
    expect(quantile(histogram({ "100": 0 }), 0.5)).toBeUndefined();
  });
});
