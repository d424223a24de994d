import * as z from "zod";

/** The metrics' words (docs/contract.md §8): the admin query and its answer, so the OpenAPI document is generated from what is enforced. */

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time");

export const MetricsQuery = z
  .object({
    since: isoTime.optional(),
    until: isoTime.optional(),
    bucket: z.enum(["minute", "hour"]).default("hour"),
    format: z.enum(["json", "prometheus"]).optional().describe("`prometheus` (or `Accept: text/plain`): the totals in the Prometheus text format"),
  })
  .strict();
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** A histogram bucket's bounds in ms; `null` for the open bucket, which has no upper bound. */
const LatencyRange = z.tuple([z.number(), z.number().nullable()]);

export const MetricsBucket = z.object({
  start: z.string(),
  sources: z.record(z.string(), z.record(z.string(), z.number())).describe("Per source, answers by outcome code"),
  routes: z.record(
    z.string(),
    z.object({
      delivered: z.number(),
      retried: z.number(),
      dead: z.number(),
      filtered: z.number().optional().describe("Envelopes the route's filter left out"),
      latencyMs: z
        .object({
          p50: z.number(),
          p99: z.number(),
          deliveries: z.number().describe("Deliveries timed (not redeliveries, replays)"),
          p50Within: LatencyRange,
          p99Within: LatencyRange,
        })
        .optional()
        .describe("Receipt to delivery (ms), interpolated in a histogram bucket: the value lies within its bounds"),
    }),
  ),
});
export type MetricsBucket = z.infer<typeof MetricsBucket>;

export const MetricsAnswer = z.object({
  since: z.string(),
  until: z.string(),
  bucket: z.enum(["minute", "hour"]),
  buckets: z.array(MetricsBucket),
});
export type MetricsAnswer = z.infer<typeof MetricsAnswer>;
