/**
 * The gateway config every bench run uses: three generic sources that differ only in their
 * auth rule (HMAC-SHA256 over the body, Basic, none), one route to a local sink.
 */
import { cellSecondsFrom } from "./destination";

export const HMAC_SECRET = "bench-secret";
export const BASIC_USER = "bench";
export const BASIC_PASSWORD = "bench-password";

export type SourceName = "bench-hmac" | "bench-basic" | "bench-none" | "bench-strict";

export function benchConfig(sinkUrl: string): Record<string, unknown> {
  const generic = { provider: "generic", idPath: "body.id", eventType: "bench.event" };
  return {
    sources: {
      "bench-hmac": { ...generic, auth: [{ type: "hmac", header: "X-Signature", secret: HMAC_SECRET }] },
      "bench-basic": { ...generic, auth: [{ type: "basic", username: BASIC_USER, password: BASIC_PASSWORD }] },
      "bench-none": { ...generic, auth: [{ type: "none" }] },
      // Issue 13's rows (bench/lib/batches.ts): strict dedup, and Pix batches.
      "bench-strict": { ...generic, dedup: "strict", auth: [{ type: "hmac", header: "X-Signature", secret: HMAC_SECRET }] },
      "bench-pix": { provider: "pix", auth: [{ type: "none" }] },
    },
    routes: [{ id: "bench-sink", events: ["*"], url: sinkUrl, timeoutMs: 5_000 }],
    delivery: { maxAttempts: 3 },
  };
}

/** Timing and size bounds of one `npm run bench`; BENCH_SECONDS shortens the cells for a quick look. */
const cellSeconds = cellSecondsFrom(process.env.BENCH_SECONDS);

export const LIMITS = {
  warmupSeconds: 1,
  cellSeconds,
  connections: [1, 10, 50] as const,
  /** The paired rounds behind the targets (bench/lib/rounds.ts), all at 10 connections. */
  roundSeconds: Math.min(cellSeconds, 3),
  roundWarmupSeconds: 0.5,
  ingestRounds: 4,
  inMemoryRounds: 4,
  /** Unique signed requests prepared per second of an accepted cell (about twice the fastest seen); a cell that runs out is flagged. */
  poolPerSecond: 12_000,
  deliveryMessages: 1_000,
  /** Below Miniflare's queue broker limit (about 1,300 messages/s). */
  deliveryRate: 800,
  deliveryTimeoutMs: 30_000,
  startTimeoutMs: 30_000,
};

/** The queue the gateway's producer binding names (wrangler.toml). */
export const DELIVERY_QUEUE = "hookgate-deliveries";
