import type { ReplayMessage } from "./deadletters/bulk";
import type { DeliveryMessage } from "./delivery/message";

/** The Worker's bindings. Secrets named by `{"secret": "NAME"}` in the config are read by name. */
export interface Env {
  GATEWAY_CONFIG?: unknown;
  /** Turns the admin API on; without it `/admin/*` is 404. */
  ADMIN_TOKEN?: string;
  DEDUP: KVNamespace;
  STATE: KVNamespace;
  /** Deliveries, and the chunks of a bulk replay (the consumer tells them apart). */
  DELIVERIES: Queue<DeliveryMessage | ReplayMessage>;
  /** The event log (D1); without it nothing is recorded and the admin event views answer 404. */
  EVENTS?: D1Database;
  /** Name of the dead-letter queue, so the queue handler can tell its batches apart. */
  DEAD_LETTER_QUEUE?: string;
}

export type Bindings = Env & Record<string, unknown>;
