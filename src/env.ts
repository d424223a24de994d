import type { ReplayMessage } from "./deadletters/bulk";
import type { StrictNamespace } from "./dedup/strict";
import type { GovernorNamespace } from "./delivery/governor/client";
import type { DeliveryMessage } from "./delivery/message";
import type { FollowUp } from "./ingest/followup";

/** The Worker's bindings. Secrets named by `{"secret": "NAME"}` in the config are read by name. */
export interface Env {
  GATEWAY_CONFIG?: unknown;
  /** Turns the admin API on; without it `/admin/*` is 404. */
  ADMIN_TOKEN?: string;
  /** "1" in local development (`npm start`, the tests): allows loopback delivery targets. Never set it in production. */
  LOCAL_DEV?: string;
  DEDUP: KVNamespace;
  STATE: KVNamespace;
  /** Deliveries, the chunks of a bulk replay, and the follow-ups of large batches (the consumer tells them apart). */
  DELIVERIES: Queue<DeliveryMessage | ReplayMessage | FollowUp>;
  /** The event log (D1); without it nothing is recorded and the admin event views answer 404. */
  EVENTS?: D1Database;
  /** How long an isolate gathers event-log records before one write (ms; default 1000, 0 at once). */
  EVENT_LOG_FLUSH_MS?: string;
  /** The authority for sources with `"dedup": "strict"` (src/dedup/strict-object.ts). */
  STRICT_DEDUP?: StrictNamespace;
  /** Each route's governor: pause, breaker, rate limit, order (src/delivery/governor/object.ts). */
  ROUTE_GOVERNOR?: GovernorNamespace;
  /** Name of the dead-letter queue, so the queue handler can tell its batches apart. */
  DEAD_LETTER_QUEUE?: string;
}

export type Bindings = Env & Record<string, unknown>;
