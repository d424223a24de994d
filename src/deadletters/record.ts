import * as z from "zod";
import { Envelope } from "../envelope";
import { Attempt } from "../queue/message";

/** A request kept whole because its adapter could not read it (CONTRACT.md §1, "quarantine"). */
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
export const DeadLetter = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,128}$/),
  kind: z.enum(["delivery", "unrouted", "quarantine"]),
  source: z.string(),
  routeId: z.string().optional(),
  reason: z.string(),
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

/** Listed without reading each record: KV list returns this as the key's metadata. */
export const DeadLetterSummary = DeadLetter.pick({
  id: true,
  kind: true,
  source: true,
  routeId: true,
  reason: true,
  createdAt: true,
});
export type DeadLetterSummary = z.infer<typeof DeadLetterSummary>;
