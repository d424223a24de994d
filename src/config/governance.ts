import * as z from "zod";
import { closed } from "./closed";

/**
 * How a route's deliveries are governed (docs/delivery.md, "Governed delivery"): the circuit
 * breaker, the rate limit, and ordered delivery per business key. `Route` (./schema.ts) takes
 * these three fields as they are, and the admin API takes the same schemas.
 *
 * Objects are `closed` here as everywhere in the config: an unknown key is refused with its path
 * and the key it was probably meant to be (`rateLimit.perSec`: did you mean "perSecond"?).
 */

/** Envelope attributes an ordering key may name; any other key is a `data.` path. */
export const ORDER_KEY_ATTRIBUTES = ["subject", "type", "source", "id", "time", "occurrenceof"] as const;

/** `data.` then dot-separated names of letters, digits, `_` and `-` (array items by index: `data.items.0.id`). */
const DATA_PATH = /^data(\.[A-Za-z0-9_-]{1,64}){1,16}$/;

export function isOrderKey(key: string): boolean {
  return (ORDER_KEY_ATTRIBUTES as readonly string[]).includes(key) || DATA_PATH.test(key);
}

export const Breaker = closed({
  failures: z
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(1000)
    .default(5)
    .describe("Retryable failed attempts, with no success for windowSeconds, that open the breaker."),
  probeSeconds: z.number().int().min(1, "must be at least 1").max(3600).default(10).describe("While open, one probe delivery is tried this often."),
  windowSeconds: z
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(3600)
    .default(60)
    .describe("A success this recent keeps the breaker closed: a target that delivers anything in this window is flaky, not down."),
}).describe(
  "The circuit breaker: after `failures` retryable failures and no success for `windowSeconds` the route opens (no attempts, messages parked) and is probed every `probeSeconds`.",
);
export type Breaker = z.infer<typeof Breaker>;

export const DEFAULT_BREAKER: Breaker = { failures: 5, probeSeconds: 10, windowSeconds: 60 };

export const RateLimit = closed({
  perSecond: z
    .number()
    .positive("must be greater than 0")
    .max(10_000)
    .describe("Deliveries a second at most, across every consumer; fractions allowed (0.5: one every 2 s)."),
  concurrency: z.number().int().min(1, "must be at least 1").max(1000).optional().describe("Attempts in flight at once at most. Unbounded when absent."),
}).describe("Deliveries to this route never exceed perSecond (at most perSecond + 1 in any one-second window).");
export type RateLimit = z.infer<typeof RateLimit>;

/** An ordered route's key governors when `ordered.shards` is not given (docs/delivery.md, "Ordered delivery at volume"). */
export const DEFAULT_ORDERED_SHARDS = 8;

export const Ordered = closed({
  key: z
    .string()
    .refine(isOrderKey, `must be an envelope attribute (${ORDER_KEY_ATTRIBUTES.join(", ")}) or a data. path such as data.txid`)
    .default("subject")
    .describe("What envelopes are ordered by: an envelope attribute or a data. path (data.txid). Default subject."),
  shards: z
    .number()
    .int()
    .min(1, "must be at least 1")
    .max(64)
    .default(DEFAULT_ORDERED_SHARDS)
    .describe(
      "Key governors the route's keys are spread over by a hash of the key (a key always to the same one): each takes its keys' numbering at acceptance and their order at delivery, about 1,000 calls a second at most. Default 8 (to ~50 M notifications a day on this route); 16 for 100 M (docs/delivery.md).",
    ),
  onHeadFailure: z
    .enum(["block", "deadletter"])
    .default("block")
    .describe(
      "block: the head of a key is retried with the usual backoff while the rest wait; deadletter: a head whose attempt fails becomes a dead letter and the next goes.",
    ),
}).describe("Per key value, envelopes are delivered in the order the gateway accepted them, one at a time, with a hookgate-sequence header.");
export type Ordered = z.infer<typeof Ordered>;

/** The three fields a route (config or admin API) takes; the breaker is on unless `false`. */
export const routeGovernance = {
  breaker: z
    .union([z.literal(false), Breaker])
    .default(DEFAULT_BREAKER)
    .describe('The circuit breaker, on by default ({"failures": 5, "probeSeconds": 10, "windowSeconds": 60}); false turns it off.'),
  rateLimit: RateLimit.optional(),
  ordered: Ordered.optional(),
};

const GovernanceSchema = z.object(routeGovernance);
export type Governance = z.infer<typeof GovernanceSchema>;
