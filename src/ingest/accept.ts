import type { GatewayConfig } from "../config/schema";
import { unroutedDeadLetter } from "../deadletters/build";
import { putDeadLetter } from "../deadletters/store";
import { markSeen, seenIds } from "../dedup/kv";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { GatewayError } from "../errors";
import type { EventLog } from "../events/log";
import { log } from "../log";
import { type RoutingRule, routingRules } from "../routing/store";
import { batches, type DeliveryPlan, planDelivery } from "./plan";

/** A stored-aside envelope must outlive every retry and a dead letter's whole life. */
const STORED_ENVELOPE_TTL_SECONDS = 400 * 86_400;

/** Everything accepting needs, whoever comes in: the webhook, a replay, the reconciler. */
export interface AcceptContext {
  env: Bindings;
  config: GatewayConfig;
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
  /** Where the accepted envelopes and their routes are recorded; flushed by the caller. */
  events?: EventLog;
}

export interface Accepted {
  accepted: string[];
  duplicates: string[];
}

/**
 * The one door for accepting envelopes: drops what was seen, enqueues one message per
 * (envelope, matching route), and only then marks the envelopes as seen. Throws
 * `unavailable` when anything could not be kept, so the caller is retried and nothing is lost.
 */
export async function acceptEnvelopes(ctx: AcceptContext, envelopes: Envelope[]): Promise<Accepted> {
  const unique = [...new Map(envelopes.map((e) => [e.id, e])).values()];
  const [seen, routes] = await Promise.all([
    ctx.dedup === "check"
      ? seenIds(
          ctx.env.DEDUP,
          unique.map((e) => e.id),
        )
      : unique.map(() => false),
    ctx.routes ??
      routingRules(ctx.config, ctx.env.STATE).catch(() => {
        throw GatewayError.unavailable("the route table could not be read; retry");
      }),
  ]);

  const fresh = unique.filter((_, i) => !seen[i]);
  const duplicates = unique.filter((_, i) => seen[i]).map((e) => e.id);
  if (fresh.length === 0) return { accepted: [], duplicates };

  const plan = planDelivery(ctx.source.name, fresh, routes, ctx.chosenRoutes);
  try {
    await enqueue(ctx, plan);
  } catch (error) {
    log({ event: "enqueue_failed", source: ctx.source.name, error: error instanceof Error ? error.message : "unknown" });
    throw GatewayError.unavailable("the notification could not be queued; retry");
  }
  // Marked only now that the queue holds every message; a failure here costs at most a
  // duplicate delivery, which the envelope id makes harmless.
  if (ctx.dedup === "check") ctx.waitUntil(markSeen(ctx.env.DEDUP, fresh, ctx.now, ctx.source.dedupTtlSeconds));
  ctx.events?.envelopesAccepted(plan.routed);
  return { accepted: fresh.map((e) => e.id), duplicates };
}

/** Stores aside and unrouted first, then sends: a message never points at an envelope not yet stored. */
async function enqueue({ env, config, source, now }: AcceptContext, plan: DeliveryPlan): Promise<void> {
  const ttlDays = config.delivery.deadLetterTtlDays;
  await Promise.all([
    ...plan.aside.map(({ key, json }) => env.STATE.put(key, json, { expirationTtl: STORED_ENVELOPE_TTL_SECONDS })),
    ...plan.unrouted.map(async (envelope) => putDeadLetter(env.STATE, await unroutedDeadLetter(envelope, source.name, now), ttlDays)),
  ]);
  for (const batch of batches(plan.messages)) {
    await env.DELIVERIES.sendBatch(batch.map((m) => ({ body: m.body, contentType: "json" as const })));
  }
}
