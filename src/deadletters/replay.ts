import { adapt } from "../adapters/adapt";
import { base64Decode } from "../bytes";
import type { GatewayConfig } from "../config/schema";
import { envelopeIdOf } from "../delivery/message";
import type { Bindings } from "../env";
import { toEnvelope } from "../envelope";
import { GatewayError } from "../errors";
import type { EventLog } from "../events/log";
import { acceptEnvelopes } from "../ingest/accept";
import { sourceRuntime } from "../ingest/source-runtime";
import { routeMatches } from "../routing/match";
import { findRoute, routingRules } from "../routing/store";
import type { DeadLetter } from "./record";
import { deleteDeadLetter, putDeadLetter } from "./store";

export interface Replayed {
  ids: string[];
  routes: string[];
}

/**
 * Sends a dead letter through the normal queue again.
 * - `delivery`: to its one route; the record turns `replaying` and is removed by the
 *   consumer once the route takes it, so a second replay meanwhile is refused (409) and
 *   a route that took it never gets it twice from here.
 * - `unrouted`: to the routes that match it now; the record is removed once enqueued.
 * - `quarantine`: read again by the source's current adapter and config, then accepted
 *   like a new request (dedup included); the record is removed once enqueued.
 */
export async function replayDeadLetter(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  events?: EventLog,
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
      return replayDelivery(env, config, record, now, read);
    case "unrouted":
      return replayUnrouted(env, config, record, now, waitUntil);
    case "quarantine":
      return replayQuarantined(env, config, record, now, waitUntil, events);
  }
}

/**
 * A replay ends when the consumer deletes the record or writes it back as dead; one still
 * under way after a day lost its message (its queue retries ran out while KV was down),
 * so it may be replayed again.
 */
const STALE_REPLAY_MS = 24 * 60 * 60 * 1000;

function isStale(record: DeadLetter, now: Date): boolean {
  return record.replayedAt === undefined || now.getTime() - Date.parse(record.replayedAt) > STALE_REPLAY_MS;
}

async function replayDelivery(env: Bindings, config: GatewayConfig, record: DeadLetter, now: Date, read: (name: string) => unknown): Promise<Replayed> {
  const routeId = record.routeId ?? "";
  const route = await findRoute(config, env.STATE, read, routeId);
  if (!route?.ok) throw new GatewayError("conflict", `route ${routeId} no longer exists or is unusable; add it again before replaying`);
  const carried = record.envelope ? { envelope: record.envelope } : record.envelopeKey ? { envelopeKey: record.envelopeKey } : undefined;
  if (!carried) throw new GatewayError("conflict", "this dead letter holds no envelope to deliver (an unreadable queue message; its content is in lastError)");
  // Marked first: the consumer deletes the record once the route takes it, and a mark
  // written after the send could land after that delete and leave it stuck as replaying.
  const ttlDays = config.delivery.deadLetterTtlDays;
  await putDeadLetter(env.STATE, { ...record, state: "replaying", replayedAt: now.toISOString() }, ttlDays);
  try {
    await env.DELIVERIES.send({ v: 1, routeId, source: record.source, attempts: [], replayOf: record.id, ...carried }, { contentType: "json" });
  } catch {
    await putDeadLetter(env.STATE, record, ttlDays);
    throw GatewayError.unavailable("the replay could not be queued; retry");
  }
  return { ids: [envelopeIdOf(record)], routes: [routeId] };
}

async function replayUnrouted(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Replayed> {
  const envelope = record.envelope;
  if (!envelope) throw new GatewayError("conflict", "this dead letter holds no envelope");
  const routes = await routingRules(config, env.STATE);
  const matching = routes.filter((route) => routeMatches(route, record.source, envelope));
  if (matching.length === 0) throw new GatewayError("conflict", `still no route matches ${envelope.type} from ${record.source}`);
  // Already marked as seen when it first came: delivered to the routes that match it now.
  const source = { name: record.source, dedupTtlSeconds: 0 };
  await acceptEnvelopes({ env, config, source, now, waitUntil, dedup: "skip", routes: matching }, [envelope]);
  await deleteDeadLetter(env.STATE, record.id);
  return { ids: [envelope.id], routes: matching.map((r) => r.id) };
}

async function replayQuarantined(
  env: Bindings,
  config: GatewayConfig,
  record: DeadLetter,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  events?: EventLog,
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
  const adapted = await adapt(runtime.adapter, request, runtime.source);
  if (!adapted.ok) throw new GatewayError("conflict", `the adapter still cannot read it: ${adapted.reason}`);
  // The envelope says when the provider's request arrived, not when it was replayed.
  const envelopes = adapted.notifications.map((n) => toEnvelope(record.source, n, new Date(record.createdAt)));
  const result = await acceptEnvelopes({ env, config, source: runtime, now, waitUntil, dedup: "check", events }, envelopes);
  if (result.overBudget !== undefined) throw new GatewayError("conflict", `it cannot be accepted in one request: ${result.overBudget}`);
  await deleteDeadLetter(env.STATE, record.id);
  return { ids: [...result.accepted, ...result.duplicates], routes: [] };
}
