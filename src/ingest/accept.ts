import type { GatewayConfig } from "../config/schema";
import { putDeadLetter } from "../deadletters/store";
import { unroutedDeadLetter } from "../delivery/dead-letter";
import type { Bindings } from "../env";
import { utf8Length } from "../bytes";
import type { Envelope } from "../envelope";
import { GatewayError } from "../errors";
import { log } from "../log";
import { envelopeKeyFor, MAX_INLINE_ENVELOPE_BYTES, type DeliveryMessage } from "../queue/message";
import { routeMatches } from "../routes/match";
import { routingRules, type RoutingRule } from "../routes/store";

export interface Accepted {
  accepted: string[];
  duplicates: string[];
}

/** A stored-aside envelope must outlive every retry and a dead letter's whole life. */
const STORED_ENVELOPE_TTL_SECONDS = 400 * 86_400;
/** Queues takes at most 100 messages and 256 KB in one sendBatch. */
const BATCH_MAX_MESSAGES = 100;
const BATCH_MAX_BYTES = 250 * 1024;
const RETRY_AFTER_SECONDS = "5";

/**
 * Drops what was seen, enqueues one message per (envelope, matching route), and only then
 * marks the envelopes as seen.
 *
 * The dedup check is a KV read followed, later, by a KV write: two first deliveries of
 * the same notification that arrive together (a provider retrying after a slow answer)
 * can both pass the check, and both are enqueued. KV has no compare-and-set, and
 * refusing one of them would risk losing the notification; so the envelope id is the
 * idempotency key downstream, and targets must treat a repeated id as already done.
 */
export async function acceptEnvelopes(
  env: Bindings,
  config: GatewayConfig,
  source: { name: string; dedupTtlSeconds: number },
  envelopes: Envelope[],
  now: Date,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Accepted> {
  const unique = [...new Map(envelopes.map((e) => [e.id, e])).values()];
  const [seen, routes] = await Promise.all([
    Promise.all(unique.map((e) => wasSeen(env.DEDUP, e.id))),
    routingRules(config, env.STATE).catch(() => {
      throw new GatewayError("unavailable", "the route table could not be read; retry", { "Retry-After": RETRY_AFTER_SECONDS });
    }),
  ]);

  const fresh = unique.filter((_, i) => !seen[i]);
  const duplicates = unique.filter((_, i) => seen[i]).map((e) => e.id);
  if (fresh.length === 0) return { accepted: [], duplicates };

  try {
    await enqueue(env, config, source.name, fresh, routes, now);
  } catch (error) {
    log({ event: "enqueue_failed", source: source.name, error: error instanceof Error ? error.message : "unknown" });
    throw new GatewayError("unavailable", "the notification could not be queued; retry", { "Retry-After": RETRY_AFTER_SECONDS });
  }
  // Marked only now that the queue holds every message; a failure here costs at most a
  // duplicate delivery, which the envelope id makes harmless.
  waitUntil(markSeen(env.DEDUP, fresh, now, source.dedupTtlSeconds));
  return { accepted: fresh.map((e) => e.id), duplicates };
}

async function wasSeen(kv: KVNamespace, id: string): Promise<boolean> {
  try {
    return (await kv.get(id)) !== null;
  } catch {
    return false; // at least once: an unreadable marker lets the notification through
  }
}

async function markSeen(kv: KVNamespace, envelopes: Envelope[], now: Date, ttl: number): Promise<void> {
  await Promise.all(envelopes.map((e) => kv.put(e.id, now.toISOString(), { expirationTtl: ttl }))).catch((error: unknown) => {
    log({ event: "mark_seen_failed", error: error instanceof Error ? error.message : "unknown" });
  });
}

/**
 * One message per (envelope, matching route); an envelope no route matches becomes an
 * `unrouted` dead letter; one too large for a message is stored aside first.
 */
export async function enqueue(
  env: Bindings,
  config: GatewayConfig,
  source: string,
  envelopes: Envelope[],
  routes: RoutingRule[],
  now: Date,
): Promise<void> {
  const messages: { body: DeliveryMessage; size: number }[] = [];
  const aside: Promise<void>[] = [];
  for (const envelope of envelopes) {
    const matching = routes.filter((route) => routeMatches(route, source, envelope));
    if (matching.length === 0) {
      aside.push(unroutedDeadLetter(envelope, source, now).then((record) => putDeadLetter(env.STATE, record, config.delivery.deadLetterTtlDays)));
      continue;
    }
    const { json, size } = asJson(envelope);
    const inline = size <= MAX_INLINE_ENVELOPE_BYTES;
    const envelopeKey = envelopeKeyFor(envelope.id);
    if (!inline) aside.push(env.STATE.put(envelopeKey, json, { expirationTtl: STORED_ENVELOPE_TTL_SECONDS }));
    for (const route of matching) {
      const carried = inline ? { envelope } : { envelopeKey };
      messages.push({ body: { v: 1, routeId: route.id, source, attempts: [], ...carried }, size: inline ? size + 256 : 512 });
    }
  }
  await Promise.all(aside);
  await sendMessages(env.DELIVERIES, messages);
}

/** Sends in batches within Queues' limits (100 messages, 256 KB a batch). */
async function sendMessages(queue: Queue<DeliveryMessage>, messages: { body: DeliveryMessage; size: number }[]): Promise<void> {
  for (const batch of batches(messages)) {
    await queue.sendBatch(batch.map((m) => ({ body: m.body, contentType: "json" as const })));
  }
}

/** The envelope as JSON and its exact size in bytes (the size also fills the batch budget). */
export function asJson(envelope: Envelope): { json: string; size: number } {
  const json = JSON.stringify(envelope);
  return { json, size: utf8Length(json) };
}

function batches<T extends { size: number }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === BATCH_MAX_MESSAGES || bytes + item.size > BATCH_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
