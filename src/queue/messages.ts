import * as z from "zod";
import { Envelope } from "../envelope";

/**
 * The messages the DELIVERIES queue carries besides deliveries (src/delivery/message.ts), which
 * several rooms send and the one consumer tells apart: they live with the queue, so env.ts and
 * every sender import them from here and nothing below imports a room above it.
 */

/** Dead letters a chunk of a bulk replay carries (src/deadletters/bulk.ts). */
export const REPLAY_CHUNK = 15;

export const ReplayMessage = z.object({
  v: z.literal(1),
  kind: z.literal("replay"),
  deadLetterIds: z.array(z.string()).min(1).max(REPLAY_CHUNK),
  /** One quarantined request: read again and accepted whole, a batch of up to 10,000 notifications. */
  heavy: z.literal(true).optional(),
});
export type ReplayMessage = z.infer<typeof ReplayMessage>;

/** KV work a large batch hands to the consumer (src/ingest/followup.ts). */
export const FollowUp = z.discriminatedUnion("task", [
  z.object({
    v: z.literal(1),
    task: z.literal("mark"),
    marks: z.array(z.object({ key: z.string().min(1), id: z.string().min(1) })).min(1),
    ttlSeconds: z.number().int().min(60),
  }),
  z.object({ v: z.literal(1), task: z.literal("unrouted"), source: z.string().min(1), envelope: Envelope }),
]);
export type FollowUp = z.infer<typeof FollowUp>;

/**
 * One page of a Pix reconciliation scan (src/reconcile/queue.ts), on the RECONCILE queue: the
 * scan's fixed window, the page to read, and whether the pages after it are this message's to
 * send on (`fanOut`). `attempt` counts the times the PSP failed on it.
 */
export const ReconcilePage = z.object({
  v: z.literal(1),
  kind: z.literal("reconcile"),
  source: z.string().min(1),
  inicio: z.iso.datetime(),
  fim: z.iso.datetime(),
  page: z.number().int().min(0),
  attempt: z.number().int().min(0).default(0),
  fanOut: z.boolean().default(false),
});
export type ReconcilePage = z.input<typeof ReconcilePage>;
