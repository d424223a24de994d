import type { GatewayConfig } from "../config/schema";
import { unroutedDeadLetter } from "../deadletters/build";
import { putDeadLetter } from "../deadletters/store";
import { numberingCalls, numberMessages, orderedGroups } from "../delivery/governor/client";
import { type DeliveryMessage, envelopeKeyFor, MAX_INLINE_ENVELOPE_BYTES } from "../delivery/message";
import { deliveryQueuesOf, queueIndex, spreadKeyOf } from "../delivery/queues";
import type { Bindings } from "../env";
import { dedupKeyOf, type Envelope } from "../envelope";
import { GatewayError } from "../errors";
import { type AcceptedEnvelope, type Claim, claimKeys, recordAccepted } from "../ledger/claim";
import type { Recorder } from "../ledger/recorder";
import { log } from "../log";
import { count } from "../observability/metrics";
import { type RoutingRule, routingRules } from "../routing/store";
import { DIRECT_WRITES, type FollowUp, unroutedMessage } from "./followup";
import { batches, type DeliveryPlan, operationsOverBudget, type PlannedMessage, planDelivery, reservedOperations } from "./plan";

/** Queues keeps a message at most 14 days: every retry and hold of a delivery ends within it (then it is a dead letter). */
const QUEUE_RETENTION_DAYS = 14;

/**
 * A stored-aside envelope is kept as long as anything can read it (#30.6): a message's retries
 * and holds (Queues' 14 days), then its dead letter's life (`deadLetterTtlDays`); and, for the
 * event log's detail and an unrouted envelope's replay, the log's retention. A day more for
 * the edges. Default: 31 days, where it was 400.
 */
export function storedEnvelopeTtlSeconds(config: GatewayConfig): number {
  const days = Math.max(QUEUE_RETENTION_DAYS + config.delivery.deadLetterTtlDays, config.eventLog.enabled ? config.eventLog.retentionDays : 0) + 1;
  return days * 86_400;
}

/** Everything accepting needs, whoever comes in: the webhook, a replay, the reconciler. */
export interface AcceptContext {
  env: Bindings;
  config: GatewayConfig;
  /** The source and its dedup window. */
  source: { name: string; dedupTtlSeconds: number };
  now: Date;
  waitUntil: (promise: Promise<unknown>) => void;
  /**
   * `check`: drop what was accepted within the source's window, mark what is taken (a
   * notification); `skip`: neither (a dead letter replayed to the routes that match it now,
   * already marked when it first came).
   */
  dedup: "check" | "skip";
  /** The routes to consider; by default every route the gateway has. */
  routes?: RoutingRule[];
  /** `true`: `routes` are an operator's choice, delivered to without matching the envelope. */
  chosenRoutes?: boolean;
  /** The request being answered: its line joins the rows the ledger writes; flushed by the caller. */
  events?: Recorder;
  /** A dead letter being replayed: its messages say so, and the consumer removes it once delivered. */
  replayOf?: string;
  /** Sent again by an operator (redeliver, replay): its messages say so, and their delivery is not timed. */
  byOperator?: boolean;
}

export type Accepted =
  | { accepted: string[]; duplicates: string[]; overBudget?: undefined }
  /** Nothing was accepted: the envelopes need more writes or sends than one request may make. */
  | { accepted: []; duplicates: []; overBudget: string };

/**
 * The one door for accepting envelopes: the ledger drops what was seen and holds the rest,
 * one message per (envelope, matching route) is enqueued, and only then the ledger writes the
 * rows (docs/dedup-and-batches.md). Throws `unavailable` when anything could not be kept, so
 * the caller is retried and nothing is lost.
 */
export async function acceptEnvelopes(ctx: AcceptContext, envelopes: Envelope[]): Promise<Accepted> {
  const unique = [...new Map(envelopes.map((e) => [e.id, e])).values()];
  const marks = unique.map((e) => ({ key: dedupKeyOf(e), id: e.id }));
  const ledger = ctx.events?.context() ?? { env: ctx.env, config: ctx.config };
  const [claimed, routes] = await Promise.allSettled([
    ctx.dedup === "check"
      ? claimKeys(ledger, ctx.source, marks, ctx.now.getTime())
      : Promise.resolve(claimNone(marks, (routed) => recordAccepted(ledger, routed))),
    ctx.routes ?? routingRules(ctx.config, ctx.env.STATE),
  ]);
  if (claimed.status === "rejected") throw claimed.reason;
  const claim = claimed.value;
  const fresh = unique.filter((_, i) => claim.fresh[i]);
  const freshIds = fresh.map((e) => e.id);
  if (routes.status === "rejected") {
    await claim.abandoned();
    throw GatewayError.unavailable("the route table could not be read; retry");
  }
  // A duplicate is named by the id it was first accepted under (a recurring id's occurrence).
  const duplicates = claim.seenAs.flatMap((id, i) => (claim.fresh[i] || id === undefined ? [] : [id]));
  if (fresh.length === 0) {
    ctx.waitUntil(claim.accepted([]));
    return { accepted: [], duplicates };
  }

  const plan = planDelivery(ctx.source.name, fresh, routes.value, ctx.chosenRoutes);
  if (plan.overBudget !== undefined) {
    await claim.abandoned();
    return { accepted: [], duplicates: [], overBudget: plan.overBudget };
  }
  // Ordered routes: each message's number for its key, fixed before the send, in acceptance order.
  const ordering = orderedGroups(
    plan.messages.map((m) => m.body),
    routes.value,
    fresh,
  );
  const sending = prepare(
    ctx,
    plan,
    numberingCalls(ordering),
    deliveryQueuesOf(ctx.env).length,
    reservedOperations(marks.length, ctx.config.ledger, ctx.now.getTime()),
  );
  if (sending.overBudget !== undefined) {
    await claim.abandoned();
    return { accepted: [], duplicates: [], overBudget: sending.overBudget };
  }
  try {
    await numberMessages(ctx.env.ROUTE_GOVERNOR, ordering, ctx.now.getTime());
    // Spread over the delivery queues only now: an ordered message is spread by its key, numbered above.
    await enqueue(ctx, plan, spread(sending, deliveryQueuesOf(ctx.env).length));
  } catch (error) {
    log({ event: "enqueue_failed", source: ctx.source.name, error: error instanceof Error ? error.message : "unknown" });
    await claim.abandoned();
    throw GatewayError.unavailable("the notification could not be queued; retry");
  }
  // The rows (the dedup marks) are written only now that the queue holds every message; until
  // then the shard holds the keys in memory. A failure here costs at most a duplicate delivery.
  ctx.waitUntil(claim.accepted(plan.routed));
  countFiltered(plan.routed, ctx.now.getTime());
  if (plan.unrouted.length > 0) count("unrouted", ctx.source.name, "no_route_matched", ctx.now.getTime(), plan.unrouted.length);
  return { accepted: freshIds, duplicates };
}

/** Every notification passes (a dead letter replayed, the gateway's own events): recorded, never checked. */
function claimNone(marks: { key: string }[], record: Claim["accepted"]): Claim {
  return { fresh: marks.map(() => true), seenAs: marks.map(() => undefined), accepted: record, abandoned: async () => {} };
}

/** Routes whose payload filter left an envelope out: counted per route (`filtered`), never queued. */
function countFiltered(routed: AcceptedEnvelope[], at: number): void {
  for (const { filteredRouteIds = [] } of routed) for (const id of filteredRouteIds) count("delivery", id, "filtered", at);
}

type Planned = PlannedMessage<DeliveryMessage | FollowUp>;

/** What enqueueing takes, before any I/O: the dead letters kept here and the sendBatch calls, each to its delivery queue. */
interface Sending {
  keptHere: DeliveryPlan["unrouted"];
  asideUnrouted: Envelope[];
  deliveries: Planned[];
  followUps: Planned[];
  batches: { queue: number; messages: Planned[] }[];
  overBudget?: string;
}

/**
 * A few unrouted envelopes are kept from here; more follow the deliveries as follow-up
 * messages, sent last. Every write and send is counted against the invocation's operations
 * before the first is made.
 */
function prepare({ config, source }: AcceptContext, plan: DeliveryPlan, numbering: number, queues: number, reserved: number): Sending {
  // With the event log on, an unrouted envelope's record is its ledger row (state `unrouted`),
  // listed and replayed from there (deadletters/unrouted.ts): no KV, no D1, a counter. One too
  // large for a row is stored aside, where the log reads it. With the log off, a dead letter.
  const inLedger = config.eventLog.enabled;
  const unrouted = inLedger ? [] : plan.unrouted;
  const asideUnrouted = inLedger ? plan.unrouted.filter((u) => !fitsMessage(u.size)).map((u) => u.envelope) : [];
  const direct = unrouted.length <= DIRECT_WRITES;
  const keptHere = unrouted.filter((u) => direct || !fitsMessage(u.size));
  const followUps = unrouted.filter((u) => !direct && fitsMessage(u.size)).map((u) => unroutedMessage(source.name, u.envelope, u.size));
  const deliveries: Planned[] = plan.messages;
  // Counted before ordered messages have their numbers (spread() runs after): spread over several
  // queues, each queue's share is batched apart, at most one sendBatch more per queue used.
  const sends =
    queues <= 1
      ? batches([...deliveries, ...followUps]).length
      : batches(deliveries).length + batches(followUps).length + Math.max(0, Math.min(queues, deliveries.length) - 1);
  // A dead letter is a read and two writes (its record and its listing key); numbering is one call per key governor of an ordered route.
  const writes = plan.aside.length + asideUnrouted.length + keptHere.length * 3 + numbering;
  return { keptHere, asideUnrouted, deliveries, followUps, batches: [], overBudget: operationsOverBudget({ writes, sends, reserved }) };
}

/** The deliveries in batches, each batch for one delivery queue (docs/delivery.md, "Queues"); the follow-ups last, to the first. */
function spread(sending: Sending, queues: number): Sending {
  if (queues <= 1) return { ...sending, batches: batches([...sending.deliveries, ...sending.followUps]).map((messages) => ({ queue: 0, messages })) };
  const byQueue = new Map<number, Planned[]>();
  for (const m of sending.deliveries) {
    const index = queueIndex(spreadKeyOf(m.body as DeliveryMessage), queues);
    byQueue.set(index, [...(byQueue.get(index) ?? []), m]);
  }
  const sends = [...byQueue].flatMap(([queue, messages]) => batches(messages).map((batch) => ({ queue, messages: batch })));
  return { ...sending, batches: [...sends, ...batches(sending.followUps).map((messages) => ({ queue: 0, messages }))] };
}

/** Stores aside and unrouted first, then sends: a message never points at an envelope not yet stored. */
async function enqueue({ env, config, source, now, replayOf, byOperator }: AcceptContext, plan: DeliveryPlan, sending: Sending): Promise<void> {
  const ttlDays = config.delivery.deadLetterTtlDays;
  const expirationTtl = storedEnvelopeTtlSeconds(config);
  await Promise.all([
    ...plan.aside.map(({ key, json }) => env.STATE.put(key, json, { expirationTtl })),
    ...sending.asideUnrouted.map((e) => env.STATE.put(envelopeKeyFor(e.id), JSON.stringify(e), { expirationTtl })),
    ...sending.keptHere.map(async ({ envelope }) => putDeadLetter(env.STATE, await unroutedDeadLetter(envelope, source.name, now), ttlDays)),
  ]);
  // One after another, follow-ups last.
  const said = { ...(replayOf !== undefined && { replayOf }), ...(byOperator && { byOperator: true as const }) };
  const body = (m: DeliveryMessage | FollowUp) => ("task" in m || Object.keys(said).length === 0 ? m : { ...m, ...said });
  const queues = deliveryQueuesOf(env);
  for (const batch of sending.batches) {
    await queues[batch.queue]!.sendBatch(batch.messages.map((m) => ({ body: body(m.body), contentType: "json" as const })));
  }
}

function fitsMessage(envelopeSize: number): boolean {
  return envelopeSize <= MAX_INLINE_ENVELOPE_BYTES;
}
