import type { Ordered } from "../../config/governance";
import type { Bindings } from "../../env";
import type { Envelope } from "../../envelope";
import { log, logSuccess } from "../../log";
import { count } from "../../observability/metrics";
import { type DeliveryMessage, envelopeIdOf } from "../message";
import { sendRelease } from "../queues";
import { orderKeyOf } from "./key";
import type { RouteGovernor } from "./object";
import type { Waiting } from "./release-rows";
import { byKeyShard, keyGovernorName } from "./shards";
import type { Change, RouteState } from "./state";

export type GovernorNamespace = DurableObjectNamespace<RouteGovernor>;

/** One object per route, named by the route's id; an ordered route's keys also in `ordered.shards` key governors (./shards.ts). */
export function governorOf(namespace: DurableObjectNamespace | undefined, routeId: string, shard?: number) {
  if (!namespace) throw new Error("the ROUTE_GOVERNOR binding is missing (wrangler.toml)");
  return (namespace as unknown as GovernorNamespace).getByName(shard === undefined ? routeId : keyGovernorName(routeId, shard));
}

/** What the admin API shows of a route's governance. */
export interface RouteStateView {
  state: RouteState["mode"];
  since?: string;
  reason?: string;
  by?: "operator" | "breaker";
  /** Messages parked in the governor, waiting (paused, open, behind their key). */
  parked?: number;
}

export function stateView(state: RouteState, parked = 0): RouteStateView {
  return {
    state: state.mode,
    ...(state.since > 0 && { since: new Date(state.since).toISOString() }),
    ...(state.reason !== "" && { reason: state.reason }),
    ...(state.by !== undefined && { by: state.by }),
    parked,
  };
}

/** The route's state, and its parked messages: the route governor's and, for an ordered route, each key governor's. */
export async function readRouteState(namespace: DurableObjectNamespace | undefined, routeId: string, shards = 0): Promise<RouteStateView> {
  const [answer, ...keys] = await Promise.all([
    governorOf(namespace, routeId).read(),
    ...Array.from({ length: shards }, (_, i) => governorOf(namespace, routeId, i).read()),
  ]);
  return stateView(
    answer!.state,
    keys.reduce((sum, k) => sum + k.parked, answer!.parked),
  );
}

export async function pauseRouteNow(env: Bindings, routeId: string, now: number): Promise<Change | undefined> {
  return (await governorOf(env.ROUTE_GOVERNOR, routeId).pause(now, "paused by the operator")).change;
}

/** Active again; the messages parked meanwhile are let out by a release message (src/delivery/release.ts). */
export async function resumeRouteNow(env: Bindings, routeId: string, now: number): Promise<Change | undefined> {
  const answer = await governorOf(env.ROUTE_GOVERNOR, routeId).resume(now);
  if (answer.parked > 0) await sendRelease(env, routeId, 0);
  return answer.change;
}

/**
 * The event's deliveries, each still pending one with `waiting` when its route's governor has
 * it parked (docs/contract.md, the event's timeline); a governor that cannot be read adds nothing.
 */
export async function waitingOfDeliveries<D extends { routeId: string; state: string }>(
  env: Bindings,
  envelopeId: string,
  deliveries: D[],
  shardsOf: (routeId: string) => number = () => 0,
): Promise<(D & { waiting?: Waiting })[]> {
  return Promise.all(
    deliveries.map(async (d) => {
      if (d.state !== "pending" || !env.ROUTE_GOVERNOR) return d;
      // The route's governor, then (an operator's question: every one) its key governors.
      const shards = [undefined, ...Array.from({ length: shardsOf(d.routeId) }, (_, i) => i)];
      for (const shard of shards) {
        const waiting = await governorOf(env.ROUTE_GOVERNOR, d.routeId, shard)
          .waiting(envelopeId)
          .catch(() => undefined);
        if (waiting) return { ...d, waiting };
      }
      return d;
    }),
  );
}

/**
 * How long ingest waits for an ordered route's numbers: a governor slower than this (overloaded,
 * or unreachable without failing fast) costs the provider a 503 with Retry-After, never a
 * request held open until the platform's limit.
 */
export const ASSIGN_TIMEOUT_MS = 2_000;

/** `promise`, or an error after `ms`. */
async function withinTime<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** An ordered route and the messages accepted for it, in acceptance order. */
export interface ToNumber {
  routeId: string;
  ordered: Ordered;
  messages: { body: DeliveryMessage; envelope: Envelope }[];
}

/**
 * Gives each message of an ordered route its key's next number, at acceptance: one call to
 * each ordered route's object, whatever the number of envelopes. Queues keep no order, so the
 * order must be fixed before the messages are sent. An envelope without a value at the key
 * gets no number (delivered unordered) and is counted. Throws if an object cannot be reached:
 * the caller then answers 503 and nothing was sent.
 */
export async function numberMessages(namespace: DurableObjectNamespace | undefined, groups: ToNumber[], now: number): Promise<void> {
  await Promise.all(
    groups.map(async ({ routeId, ordered, messages }) => {
      const keyed = messages.flatMap((m) => {
        const key = orderKeyOf(m.envelope, ordered.key);
        if (key === undefined) {
          count("delivery", routeId, "unordered", now);
          log({ event: "delivery_unordered", routeId, envelopeId: m.envelope.id, key: ordered.key });
          return [];
        }
        return [{ body: m.body, key }];
      });
      // Each key to its key governor (./shards.ts), all of them at once.
      const shards = byKeyShard(keyed, (k) => k.key, ordered.shards);
      await Promise.all(
        [...shards].map(async ([shard, mine]) => {
          const { numbers, rowsWritten } = await withinTime(
            governorOf(namespace, routeId, shard).assign(
              mine.map((k) => k.key),
              now,
            ),
            ASSIGN_TIMEOUT_MS,
            `the key governor ${shard} of route ${routeId} did not number the messages within ${ASSIGN_TIMEOUT_MS} ms`,
          );
          logSuccess({ event: "governor_call", call: "assign", routeId, shard, rowsWritten, numbered: numbers.length }, { route: routeId });
          mine.forEach((k, i) => {
            k.body.sequence = { key: k.key, n: numbers[i]! };
          });
        }),
      );
    }),
  );
}

/** The calls numbering takes: one per key governor each ordered route's keys hash to (counted against a request's budget). */
export function numberingCalls(groups: ToNumber[]): number {
  let calls = 0;
  for (const { ordered, messages } of groups) {
    const keys = messages.flatMap((m) => orderKeyOf(m.envelope, ordered.key) ?? []);
    calls += byKeyShard(keys, (key) => key, ordered.shards).size;
  }
  return calls;
}

/** The messages of ordered routes, grouped by route, in the order they were planned. */
export function orderedGroups(messages: DeliveryMessage[], routes: { id: string; ordered?: Ordered | undefined }[], envelopes: Envelope[]): ToNumber[] {
  const ordered = new Map(routes.flatMap((r) => (r.ordered ? [[r.id, r.ordered] as const] : [])));
  if (ordered.size === 0) return [];
  const byId = new Map(envelopes.map((e) => [e.id, e]));
  const groups = new Map<string, ToNumber>();
  for (const body of messages) {
    const settings = ordered.get(body.routeId);
    const envelope = byId.get(envelopeIdOf(body));
    if (!settings || !envelope) continue;
    const group = groups.get(body.routeId) ?? { routeId: body.routeId, ordered: settings, messages: [] };
    group.messages.push({ body, envelope });
    groups.set(body.routeId, group);
  }
  return [...groups.values()];
}
