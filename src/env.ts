import type { DeliveryMessage } from "./delivery/message";

/** The Worker's bindings. Secrets named by `{"secret": "NAME"}` in the config are read by name. */
export interface Env {
  GATEWAY_CONFIG?: unknown;
  /** Turns the admin API on; without it `/admin/*` is 404. */
  ADMIN_TOKEN?: string;
  /** "1" in local development (`npm start`, the tests): allows loopback delivery targets. Never set it in production. */
  LOCAL_DEV?: string;
  DEDUP: KVNamespace;
  STATE: KVNamespace;
  DELIVERIES: Queue<DeliveryMessage>;
  /** Name of the dead-letter queue, so the queue handler can tell its batches apart. */
  DEAD_LETTER_QUEUE?: string;
}

export type Bindings = Env & Record<string, unknown>;
