import * as z from "zod";
import { Attempt } from "../delivery/message";
import { Envelope } from "../envelope";

/**
 * The event log's words (docs/contract.md §8). The zod schemas here validate the admin queries and
 * describe the answers, so the OpenAPI document is generated from what is enforced.
 */

/**
 * An (envelope, route) pair: queued or waiting to retry, taken, given up on, or `filtered` (the
 * route's events and sources matched but its payload filter did not: recorded, never delivered).
 */
export const RouteState = z.enum(["pending", "delivered", "dead", "filtered"]);
export type RouteState = z.infer<typeof RouteState>;

/**
 * `delivered` when every route took it (or filtered it), `dead` when any gave up, `unrouted` when
 * none matched, `filtered` when every matching route's payload filter left it out.
 */
export const EventState = z.enum(["pending", "delivered", "dead", "unrouted", "filtered"]);
export type EventState = z.infer<typeof EventState>;

/** What an authenticated request came to (docs/contract.md §1). */
export const RequestOutcome = z.enum(["accepted", "duplicate", "quarantined", "invalid_payload", "unavailable"]);
export type RequestOutcome = z.infer<typeof RequestOutcome>;

export const EventRequest = z.object({
  requestId: z.string(),
  at: z.string().describe("When the request arrived (ISO 8601)"),
  outcome: RequestOutcome.describe("What this request came to for this envelope"),
});
export type EventRequest = z.infer<typeof EventRequest>;

export const DeliveryProgress = z.object({
  state: RouteState,
  attempts: z.number().int().nonnegative(),
  lastStatus: z.number().int().optional(),
  nextAttemptAt: z.string().optional().describe("When the next attempt is due (ISO 8601), while it waits to retry"),
});
export type DeliveryProgress = z.infer<typeof DeliveryProgress>;

/** What an operator did to a route's delivery (docs/console.md). */
export const OperatorAction = z.object({ at: z.string(), action: z.enum(["redelivered", "replayed"]) });
export type OperatorAction = z.infer<typeof OperatorAction>;

export const EventSummary = z.object({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject: z.string().optional(),
  time: z.string(),
  receivedat: z.string(),
  state: EventState,
  routes: z.record(z.string(), RouteState).describe("Each route's state for this envelope"),
  deliveries: z.record(z.string(), DeliveryProgress).optional().describe("Each route's progress: attempts made, the last status, the next attempt"),
});
export type EventSummary = z.infer<typeof EventSummary>;

export const EventPage = z.object({
  events: z.array(EventSummary),
  cursor: z.string().optional().describe("Pass as `cursor` for the next (older) page; opaque"),
});

export const Delivery = z.object({
  routeId: z.string(),
  state: RouteState,
  attempts: z.array(Attempt),
  actions: z.array(OperatorAction).optional().describe("Redeliveries and replays an operator asked for"),
  waiting: z
    .object({
      reason: z.enum(["paused", "open", "order"]),
      since: z.string(),
      next: z.string().optional(),
      behind: z.number().int().optional(),
    })
    .optional()
    .describe("Why a pending delivery waits, from its route's governor: paused, open (breaker), or behind its key's sequence number `behind`"),
});

export const EventDetail = z.object({
  event: Envelope.optional().describe("The envelope; absent only when it was too large for the log and has expired elsewhere"),
  state: EventState,
  requests: z.array(EventRequest),
  deliveries: z.array(Delivery),
});
export type EventDetail = z.infer<typeof EventDetail>;

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time");

export const EventQuery = z
  .object({
    source: z.string().optional(),
    type: z.string().optional(),
    subject: z.string().optional(),
    state: EventState.optional(),
    since: isoTime.optional(),
    until: isoTime.optional(),
    route: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, "must be a route id: 1-64 characters of a-z, 0-9 and -")
      .optional(),
    id: z.string().min(1).optional().describe("An envelope id, or a recurring notification's id without its @window suffix"),
    q: z.string().min(1).optional().describe("An envelope id (with or without a recurring id's @window suffix) or a subject"),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, "must be a cursor from an earlier page")
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type EventQuery = z.infer<typeof EventQuery>;

export const RedeliverBody = z.object({ routes: z.array(z.string().min(1)).min(1).optional() }).strict();

export const RedeliverAnswer = z.object({
  status: z.literal("redelivering"),
  id: z.string(),
  routes: z.array(z.string()).describe("Routes the envelope was sent to again"),
});
