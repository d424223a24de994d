import { adapt } from "../adapters/adapt";
import { base64Decode } from "../bytes";
import { type GatewayConfig, MAX_NOTIFICATIONS_PER_REQUEST_LIMIT } from "../config/schema";
import { numberMessages } from "../delivery/governor/client";
import { type DeliveryMessage, envelopeIdOf } from "../delivery/message";
import { loadPayload } from "../delivery/payload";
import { deliveryQueueFor } from "../delivery/queues";
import type { Bindings } from "../env";
import { toEnvelope } from "../envelope";
import { GatewayError } from "../errors";
import { acceptEnvelopes } from "../ingest/accept";
import { sourceRuntime } from "../ingest/source-runtime";
import type { Recorder } from "../ledger/recorder";
import { log } from "../log";
import { routeTakes } from "../routing/match";
import { findRoute, routingRules } from "../routing/store";
import type { DeadLetter } from "./record";
import { deleteDeadLetter, putDeadLetter } from "./store";

export interface Replayed {
  ids: string[];
  routes: string[];
}

/** What an operator may say about a replay: `route` sends a delivery or unrouted dead letter to that route instead. */
export interface ReplayOptions {
  route?: string;
}

/**
 * Sends a dead letter through the normal queue again.
 * - `delivery`: to its one route (or `options.route`); the record turns `replaying` and is
 *   removed by the consumer once the route takes it, so a second replay meanwhile is refused
 *   (409) and a route that took it never gets it twice from here.
 * - `unrouted`: to the routes that match it now (or `options.route`), the same way: marked
 *   `replaying` first, removed by the consumer, so a replay retried or run twice is refused
 *   instead of delivering twice.
 * - `quarantine`: read again by the source's current adapter and config, then accepted
 *   like a new request (dedup included); the record is removed once enqueued.
 *
 * The mark is written before the send (a mark written after could land after the consumer's
 * delete and leave it stuck). When the send fails it is taken back a little over a second
 * later, as KV takes one write per second per key; should that fail too, it goes stale in
 * STALE_REPLAY_MS.
 */
export async function replayDeadLetter(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  events?: Recorder,
  options: ReplayOptions = {},
): Promise<Replayed> {
  if (record.state === "replaying" && !isStale(record, now)) {
    throw new GatewayError(
      "conflict",
      `a replay of ${record.id} is under way since ${record.replayedAt ?? "earlier"}; it ends when the route takes it or it is dead again`,
    );
  }
  const read = (name: string) => env[name];
  switch (record.kind) {
    case "delivery":
      return replayDelivery(env, config, record, now, read, options, waitUntil);
    case "unrouted":
      return replayUnrouted(env, config, record, now, waitUntil, options);
    case "quarantine":
      if (options.route !== undefined)
        throw new GatewayError("bad_request", "route: a quarantined request is read again and goes to every route that matches it");
      return replayQuarantined(env, config, record, now, waitUntil, events);
  }
}

/**
 * A replay ends when the consumer deletes the record or writes it back as dead. A mark older
 * than this lost its message (the send failed and the mark could not be taken back, or its
 * queue retries ran out while KV was down), so it may be replayed again. Short, so a failed
 * send never blocks an operator for long; a replay still retrying after it may then run
 * twice, which the envelope id keeps harmless downstream.
 */
export const STALE_REPLAY_MS = 10 * 60 * 1000;
/** KV takes one write per second to a key: the mark is taken back after that. */
const KV_SAME_KEY_INTERVAL_MS = 1100;
/** A replay's message waits this long in the queue: its consumer deletes the record the mark just wrote. */
export const REPLAY_DELAY_SECONDS = 2;

function isStale(record: DeadLetter, now: Date): boolean {
  return record.replayedAt === undefined || now.getTime() - Date.parse(record.replayedAt) > STALE_REPLAY_MS;
}

/** Marks the record, runs `send`; when it fails, takes the mark back later and answers 503. */
async function markedSend(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (p: Promise<unknown>) => void,
  send: () => Promise<unknown>,
) {
  const ttlDays = config.delivery.deadLetterTtlDays;
  await putDeadLetter(env.STATE, { ...record, state: "replaying", replayedAt: now.toISOString() }, ttlDays);
  try {
    await send();
  } catch (error) {
    const rollback = scheduler.wait(KV_SAME_KEY_INTERVAL_MS).then(() => putDeadLetter(env.STATE, record, ttlDays));
    waitUntil(rollback.catch((e: unknown) => log({ event: "replay_rollback_failed", deadLetterId: record.id, error: String(e).slice(0, 200) })));
    if (error instanceof GatewayError) throw error;
    throw GatewayError.unavailable("the replay could not be queued; retry");
  }
}

async function namedRoute(env: Bindings, config: GatewayConfig, read: (name: string) => unknown, routeId: string): Promise<void> {
  const route = await findRoute(config, env.STATE, read, routeId);
  if (!route) throw new GatewayError("bad_request", `route: no route ${routeId}`);
  if (!route.ok) throw new GatewayError("conflict", `route ${routeId} is unusable: ${route.problem}`);
}

async function replayDelivery(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  read: (name: string) => unknown,
  options: ReplayOptions,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<Replayed> {
  const routeId = options.route ?? record.routeId ?? "";
  if (options.route !== undefined) await namedRoute(env, config, read, routeId);
  const route = await findRoute(config, env.STATE, read, routeId);
  if (!route?.ok) throw new GatewayError("conflict", `route ${routeId} no longer exists or is unusable; add it again, or name another route, before replaying`);
  const carried = record.envelope ? { envelope: record.envelope } : record.envelopeKey ? { envelopeKey: record.envelopeKey } : undefined;
  if (!carried) throw new GatewayError("conflict", "this dead letter holds no envelope to deliver (an unreadable queue message; its content is in lastError)");
  const body: DeliveryMessage = { v: 1, routeId, source: record.source, attempts: [], replayOf: record.id, byOperator: true, ...carried };
  const ordered = route.route.ordered;
  await markedSend(env, config, record, now, waitUntil, async () => {
    // An ordered route: a new number, after whatever is in flight for the key (docs/delivery.md).
    const payload = ordered ? await loadPayload(body, env.STATE) : undefined;
    if (ordered && payload?.ok) {
      await numberMessages(env.ROUTE_GOVERNOR, [{ routeId, ordered, messages: [{ body, envelope: payload.envelope }] }], now.getTime());
    }
    // Delayed, so the consumer's delete of the record comes after KV's one write a second to its key.
    await deliveryQueueFor(env, body).send(body, { contentType: "json", delaySeconds: REPLAY_DELAY_SECONDS });
  });
  return { ids: [envelopeIdOf(record)], routes: [routeId] };
}

async function replayUnrouted(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  options: ReplayOptions,
): Promise<Replayed> {
  const envelope = record.envelope;
  if (!envelope) throw new GatewayError("conflict", "this dead letter holds no envelope");
  if (options.route !== undefined) await namedRoute(env, config, (name) => env[name], options.route);
  const routes = await routingRules(config, env.STATE);
  const matching =
    options.route !== undefined ? routes.filter((r) => r.id === options.route) : routes.filter((route) => routeTakes(route, record.source, envelope));
  if (matching.length === 0) throw new GatewayError("conflict", `still no route matches ${envelope.type} from ${record.source}`);
  // Already marked as seen when it first came: delivered to the routes that match it now.
  // The consumer removes the record once a route takes it (replayOf), not this request.
  const source = { name: record.source, dedupTtlSeconds: 0 };
  await markedSend(env, config, record, now, waitUntil, () =>
    acceptEnvelopes(
      {
        env,
        config,
        source,
        now,
        waitUntil,
        dedup: "skip",
        routes: matching,
        chosenRoutes: options.route !== undefined,
        replayOf: record.id,
        byOperator: true,
      },
      [envelope],
    ),
  );
  return { ids: [envelope.id], routes: matching.map((r) => r.id) };
}

async function replayQuarantined(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  events?: Recorder,
): Promise<Replayed> {
  const kept = record.request;
  const runtime = sourceRuntime(config, record.source, { fetch: (input, init) => fetch(input, init) });
  if (!kept || !runtime) throw new GatewayError("conflict", `source ${record.source} is no longer configured`);
  const request = {
    source: record.source,
    method: kept.method,
    rest: kept.rest,
    query: new URLSearchParams(kept.query),
    headers: new Headers(kept.headers),
    body: base64Decode(kept.bodyBase64) ?? new Uint8Array(0),
  };
  // A request quarantined for its size is replayed whole, up to the bound any source may have.
  const adapted = await adapt(runtime.adapter, request, runtime.source, MAX_NOTIFICATIONS_PER_REQUEST_LIMIT);
  if (!adapted.ok) throw new GatewayError("conflict", `the adapter still cannot read it: ${adapted.reason}`);
  // The envelope says when the provider's request arrived, not when it was replayed.
  const envelopes = adapted.notifications.map((n) => toEnvelope(record.source, n, new Date(record.createdAt), runtime.dedupTtlSeconds));
  const result = await acceptEnvelopes({ env, config, source: runtime, now, waitUntil, dedup: "check", events, byOperator: true }, envelopes);
  if (result.overBudget !== undefined) throw new GatewayError("conflict", `it cannot be accepted in one request: ${result.overBudget}`);
  await deleteDeadLetter(env.STATE, record.id);
  return { ids: [...result.accepted, ...result.duplicates], routes: [] };
}
