import type { DeliveryMessage } from "./delivery/message";
import type { FollowUp, ReconcilePage, ReplayMessage } from "./queue/messages";

/**
 * The Worker's bindings. Secrets named by `{"secret": "NAME"}` in the config are read by name.
 * This file sits at the bottom: it imports the queue's message shapes and nothing above them.
 */
export interface Env {
  GATEWAY_CONFIG?: unknown;
  /** Turns the admin API on; without it `/admin/*` is 404. */
  ADMIN_TOKEN?: string;
  /** "1" in local development (`npm start`, the tests): allows loopback delivery targets. Never set it in production. */
  LOCAL_DEV?: string;
  /** The ledger: sharded SQLite Durable Objects that dedup and keep the event log (src/ledger/object.ts). */
  LEDGER?: DurableObjectNamespace;
  /** Dedup marks of gateways before the ledger: read during an upgrade (`ledger.kvMarksUntil`), no longer written per notification. */
  DEDUP: KVNamespace;
  STATE: KVNamespace;
  /** Deliveries, the chunks of a bulk replay, and the follow-ups of large batches (the consumer tells them apart). */
  DELIVERIES: Queue<DeliveryMessage | ReplayMessage | FollowUp>;
  /**
   * More delivery queues, each with its own consumer running the same handler: DELIVERIES_1 …
   * DELIVERIES_15, read by src/delivery/queues.ts (`deliveryQueuesOf`), which spreads new
   * notifications over them by hash. Index signature of Bindings; named here for the reader.
   */
  DELIVERIES_1?: Queue<unknown>;
  /** Retries, released parked messages and release messages: delivery's own traffic, apart from ingest's (src/delivery/queues.ts). */
  DELIVERY_RETRIES?: Queue<unknown>;
  /**
   * The pages of Pix reconciliation scans, one message a page (src/reconcile/queue.ts). Without it
   * the cron reads a scan's pages itself, a few a minute (docs/pix.md).
   */
  RECONCILE?: Queue<ReconcilePage>;
  /** Metrics per minute, alerts, route health, the requests that carried no envelope; and the event log before the ledger, read by id until it ages out. */
  EVENTS?: D1Database;
  /** Accepted for deployments that set it; no longer changes anything (docs/event-log.md). */
  EVENT_LOG_FLUSH_MS?: string;
  /** The Durable Object of `"dedup": "strict"` before the ledger; bound only so the deployed class stays valid (docs/deploy.md). */
  STRICT_DEDUP?: DurableObjectNamespace;
  /** Each route's governor: pause, breaker, rate limit, order (src/delivery/governor/object.ts). */
  ROUTE_GOVERNOR?: DurableObjectNamespace;
  /**
   * Which successes get a log line (src/log.ts, docs/observability.md): unset, none; `all`, a
   * fraction (`0.01`), `source:NAME` or `route:ID`, comma-separated. Failures are always logged.
   */
  LOG_SUCCESS?: string;
  /** Name of the dead-letter queue, so the queue handler can tell its batches apart. */
  DEAD_LETTER_QUEUE?: string;
  /** Name of the RECONCILE queue, likewise (default hookgate-reconcile). */
  RECONCILE_QUEUE?: string;
}

export type Bindings = Env & Record<string, unknown>;
