import * as z from "zod";
import { sha256Hex } from "../bytes";
import { Attempt } from "../delivery/message";
import { Envelope } from "../envelope";

/** A request kept whole because its adapter could not read it (docs/contract.md §1, "quarantine"). */
export const QuarantinedRequest = z.object({
  method: z.string(),
  rest: z.string(),
  /** The query string without parameters that carried a credential. */
  query: z.string(),
  /** Headers without credentials (Authorization, cookies, API-key headers the source names). */
  headers: z.record(z.string(), z.string()),
  bodyBase64: z.string(),
});
export type QuarantinedRequest = z.infer<typeof QuarantinedRequest>;

/**
 * What could not be delivered or read, kept until it is replayed or expires:
 * - `delivery`: a route refused it for good or attempts ran out;
 * - `unrouted`: no route matched it, so a route added later can take it;
 * - `quarantine`: the adapter could not read the request.
 */
/**
 * Why a record was kept; the code admins filter on (details go to `lastError`):
 * - a route refused it for good (`rejected`, `redirected`) or attempts ran out;
 * - the route or stored-aside envelope is gone (`route_not_found`, `envelope_missing`,
 *   `envelope_unreadable`), or the queue message was not a delivery (`unreadable_message`),
 *   or the consumer failed on it every time Queues retried (`consumer_failed`);
 * - `no_route_matched` (unrouted); quarantine: `invalid_payload` (the adapter could not read
 *   it), `reserved_type` (a type in a namespace another provider or the gateway owns),
 *   `unserializable` (the envelope cannot be serialized or is too large to store),
 *   `too_many_notifications` (more than the source's `maxNotificationsPerRequest`, or more large
 *   envelopes than one request may store aside; replaying it accepts it whole).
 */
export const DeadLetterReason = z.enum([
  "rejected",
  "redirected",
  "attempts_exhausted",
  "route_not_found",
  "envelope_missing",
  "envelope_unreadable",
  "unreadable_message",
  "consumer_failed",
  "no_route_matched",
  "invalid_payload",
  "too_many_notifications",
  "reserved_type",
  "unserializable",
  /** Held (route paused or open, or waiting its turn) longer than Queues keeps a message: 14 days. */
  "paused_too_long",
  /** An ordered route's head that failed with `"onHeadFailure": "deadletter"`. */
  "order_head_failed",
  /** An ordered message that came after its number was given up on (docs/delivery.md): kept, never delivered out of order. */
  "sequence_skipped",
  /** Confirm-by-fetch: the provider's API contradicts the notification's status or amount (src/confirm). */
  "confirm_mismatch",
  /** Confirm-by-fetch: the provider's API has no such resource (404). */
  "confirm_not_found",
  /** The route's transform failed on this envelope (docs/transforms.md); the message says why. A replay applies the route's transform as it is then. */
  "transform_failed",
]);
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;

export const DeadLetter = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,128}$/),
  kind: z.enum(["delivery", "unrouted", "quarantine"]),
  source: z.string(),
  routeId: z.string().optional(),
  reason: DeadLetterReason,
  createdAt: z.string(),
  /** `replaying` while a replay is under way: a second replay is refused until it ends. */
  state: z.enum(["dead", "replaying"]).default("dead"),
  /** When the last replay began. The consumer ends it (deletes the record, or writes it back as dead); after a day it may be replayed again. */
  replayedAt: z.string().optional(),
  envelope: Envelope.optional(),
  envelopeKey: z.string().optional(),
  attempts: z.array(Attempt).default([]),
  lastStatus: z.number().int().optional(),
  lastError: z.string().optional(),
  request: QuarantinedRequest.optional(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

/**
 * Listed without reading each record: KV list returns this as the key's metadata, which KV
 * caps at 1,024 bytes, so the free-text fields are cut (an envelope id is at most 265 bytes).
 */
export const DeadLetterSummary = DeadLetter.pick({
  id: true,
  kind: true,
  source: true,
  routeId: true,
  reason: true,
  createdAt: true,
  lastStatus: true,
}).extend({
  envelopeId: z.string().optional(),
  type: z.string().optional(),
  subject: z.string().optional(),
  /** How many delivery attempts were made. */
  attempts: z.number().int().default(0),
});
export type DeadLetterSummary = z.infer<typeof DeadLetterSummary>;

/** The summary KV keeps beside a record. */
export function summarize(record: DeadLetter): DeadLetterSummary {
  const envelopeId = record.envelope?.id ?? (record.envelopeKey?.startsWith("envelope:") ? record.envelopeKey.slice("envelope:".length) : undefined);
  return {
    id: record.id,
    kind: record.kind,
    source: record.source.slice(0, 64),
    routeId: record.routeId?.slice(0, 64),
    reason: record.reason,
    createdAt: record.createdAt,
    lastStatus: record.lastStatus,
    envelopeId: envelopeId?.slice(0, 300),
    type: record.envelope?.type.slice(0, 120),
    subject: record.envelope?.subject?.slice(0, 120),
    attempts: record.attempts.length,
  };
}

/**
 * Ids are derived from what the record is about, so the same failure kept twice is one record:
 * `d` one per (envelope, route), `u` one per unrouted envelope, `x` one per unreadable queue
 * message, `q` one per quarantined request (its method, path, query, identity headers and body).
 */
async function idFor(kind: "d" | "u" | "x" | "q", ...parts: string[]): Promise<string> {
  return kind + (await sha256Hex(parts.join("\n"))).slice(0, 31);
}

/** A replay that fails again overwrites the same record. */
export function deliveryDeadLetterId(envelopeId: string, routeId: string): Promise<string> {
  return idFor("d", envelopeId, routeId);
}

export function unroutedDeadLetterId(envelopeId: string): Promise<string> {
  return idFor("u", envelopeId);
}

/** A queue message that could not be read has no envelope id; it is kept under its message id. */
export function unreadableDeadLetterId(messageId: string): Promise<string> {
  return idFor("x", messageId);
}

export function quarantineId(parts: string[]): Promise<string> {
  return idFor("q", ...parts);
}
