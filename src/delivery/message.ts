import * as z from "zod";
import { Envelope } from "../envelope";

/** One delivery attempt, as kept in the message and, at the end, in the dead letter. */
export const Attempt = z.object({
  at: z.string(),
  /** The target's HTTP status; absent for a timeout or network error. */
  status: z.number().int().optional(),
  error: z.string().optional(),
  durationMs: z.number().nonnegative(),
  /** When the message was sent again after this attempt failed (ISO 8601): the next attempt's time. */
  retryAt: z.string().optional(),
  /** The breaker's probe while the route was open: it does not count toward `maxAttempts`. */
  probe: z.literal(true).optional(),
});
export type Attempt = z.infer<typeof Attempt>;

/**
 * One queue message: one envelope for one route (docs/contract.md §6), so a failing route never
 * re-delivers to one that took it. The route is named by id and looked up at delivery time,
 * from config or from the routes added through the admin API.
 *
 * An envelope too large for a queue message travels as `envelopeKey`, a key in STATE KV
 * where it was stored whole before the message was sent.
 */
export const DeliveryMessage = z
  .object({
    v: z.literal(1),
    routeId: z.string().min(1),
    source: z.string().min(1),
    envelope: Envelope.optional(),
    envelopeKey: z.string().optional(),
    /** Earlier attempts, carried forward when a failed delivery is re-sent with a delay. */
    attempts: z.array(Attempt).default([]),
    /** Set when a dead letter is replayed: the record is removed once delivery succeeds. */
    replayOf: z.string().optional(),
    /**
     * Sent again by an operator (redeliver, replay): delivered and counted like any other, but
     * its receipt-to-delivery time measures the operator's wait, so it is not timed.
     */
    byOperator: z.literal(true).optional(),
    /** An ordered route's place for this envelope: its key's value and its number, given at acceptance. */
    sequence: z.object({ key: z.string(), n: z.number().int().positive() }).optional(),
    /** When the governor first held this message back (paused, open, rate limit, order); no attempt was used. */
    heldSince: z.string().optional(),
  })
  .refine((m) => (m.envelope === undefined) !== (m.envelopeKey === undefined), {
    message: "needs exactly one of envelope, envelopeKey",
  });
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

const ENVELOPE_KEY_PREFIX = "envelope:";

/** Where an envelope too large for a message is stored aside, in STATE KV. */
export function envelopeKeyFor(envelopeId: string): string {
  return ENVELOPE_KEY_PREFIX + envelopeId;
}

/** The envelope id a message or dead letter is about, even when the envelope is stored aside. */
export function envelopeIdOf(carrier: { envelope?: { id: string }; envelopeKey?: string }): string {
  if (carrier.envelope) return carrier.envelope.id;
  const key = carrier.envelopeKey ?? "";
  return key.startsWith(ENVELOPE_KEY_PREFIX) ? key.slice(ENVELOPE_KEY_PREFIX.length) : key;
}

/** Queues carries 128 KB a message; past this the envelope is stored aside (leaves room for attempts). */
export const MAX_INLINE_ENVELOPE_BYTES = 96 * 1024;
