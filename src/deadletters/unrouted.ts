import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { acceptEnvelopes } from "../ingest/accept";
import { getEvent, listEvents } from "../ledger/queries";
import { routeTakes } from "../routing/match";
import { findRoute, routingRules } from "../routing/store";
import type { DeadLetterSummary } from "./record";
import type { Replayed, ReplayOptions } from "./replay";
import type { DeadLetterFilter, DeadLetterPage } from "./store";

/**
 * Unrouted envelopes, read from the ledger. With the event log on, an envelope no route matched
 * is kept once, as its ledger row in state `unrouted` (ingest writes no KV dead letter and no
 * D1 row for it; `hookgate_unrouted_total` counts them). The dead-letter admin lists them under
 * `kind=unrouted` and replays them by their envelope id: a replay queues the envelope to the
 * routes that match it now, the row takes those routes and leaves `unrouted`, so a second
 * replay, or a second "replay all", finds nothing left to send. (Two replays of the same
 * envelope at the very same moment may both send it; the envelope id stays the receiver's
 * idempotency key.) Records kept in KV before this, and those kept with the log off, are
 * listed and replayed from KV as before.
 */

/** A ledger-kept unrouted envelope is named by its envelope id, which has a `:`; a KV dead letter's id never does. */
export function isLedgerUnroutedId(id: string): boolean {
  return id.includes(":");
}

/** One page of the ledger's unrouted envelopes as dead-letter summaries, newest first. */
export async function listUnrouted(
  env: Bindings,
  config: GatewayConfig,
  filter: DeadLetterFilter & { cursor?: string; limit?: number },
): Promise<DeadLetterPage> {
  const page = await listEvents(env, config, {
    state: "unrouted",
    source: filter.source,
    since: filter.since,
    until: filter.until,
    q: filter.q,
    cursor: filter.cursor,
    limit: Math.min(filter.limit ?? 100, 200),
  });
  const deadLetters = page.events.map(
    (event): DeadLetterSummary => ({
      id: event.id,
      kind: "unrouted",
      source: event.source,
      reason: "no_route_matched",
      createdAt: event.receivedat,
      envelopeId: event.id,
      type: event.type,
      ...(event.subject !== undefined && { subject: event.subject }),
      attempts: 0,
    }),
  );
  return page.cursor === undefined ? { deadLetters } : { deadLetters, cursor: page.cursor };
}

/** Replays one unrouted envelope the ledger keeps; 404 when it has none, 409 when it is no longer unrouted. */
export async function replayLedgerUnrouted(
  env: Bindings,
  config: GatewayConfig,
  envelopeId: string,
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
  options: ReplayOptions = {},
): Promise<Replayed> {
  const event = await getEvent(env, config, envelopeId);
  if (!event) throw new GatewayError("not_found", "no such dead letter");
  if (event.state !== "unrouted") throw new GatewayError("conflict", `${envelopeId} is no longer unrouted (${event.state}): it was replayed or redelivered`);
  const envelope = event.event;
  if (!envelope) throw new GatewayError("conflict", "the envelope is no longer kept; it cannot be sent again");
  const source = envelope.source.replace(/^\/(hooks\/)?/, "");
  if (options.route !== undefined) {
    const named = await findRoute(config, env.STATE, (name) => env[name], options.route);
    if (!named) throw new GatewayError("bad_request", `route: no route ${options.route}`);
    if (!named.ok) throw new GatewayError("conflict", `route ${options.route} is unusable: ${named.problem}`);
  }
  const routes = await routingRules(config, env.STATE);
  const matching = options.route !== undefined ? routes.filter((r) => r.id === options.route) : routes.filter((r) => routeTakes(r, source, envelope));
  if (matching.length === 0) throw new GatewayError("conflict", `still no route matches ${envelope.type} from ${source}`);
  await acceptEnvelopes(
    {
      env,
      config,
      source: { name: source, dedupTtlSeconds: 0 },
      now,
      waitUntil,
      dedup: "skip",
      routes: matching,
      chosenRoutes: options.route !== undefined,
      byOperator: true,
    },
    [envelope],
  );
  return { ids: [envelope.id], routes: matching.map((r) => r.id) };
}
