import type { Bindings } from "../env";
import { MAX_DELIVERY_QUEUES } from "../queue/delivery-queues";
import type { DeliveryMessage } from "./message";

export { MAX_DELIVERY_QUEUES };

/**
 * Which queue a message goes to (docs/delivery.md, "Queues"). New notifications go to the
 * delivery queues, chosen by a hash when there are several; retries, released parked messages
 * and release messages go to the retries queue, so that no backlog of delivery's own can take
 * the throughput ingest needs. Without a retries queue bound (an older wrangler.toml),
 * everything goes to the delivery queues as before.
 */
export function retryQueueOf(env: Bindings): Queue<unknown> {
  return (env.DELIVERY_RETRIES ?? env.DELIVERIES) as Queue<unknown>;
}

/** The delivery queues bound, in order: DELIVERIES, DELIVERIES_1, …; the first name missing ends the list. */
export function deliveryQueuesOf(env: Bindings): Queue<unknown>[] {
  const queues = [env.DELIVERIES as Queue<unknown>];
  for (let i = 1; i < MAX_DELIVERY_QUEUES; i++) {
    const queue = env[`DELIVERIES_${i}`] as Queue<unknown> | undefined;
    if (queue === undefined) break;
    queues.push(queue);
  }
  return queues;
}

/** What a message is spread by: an ordered message's route and key (a key's messages share a queue), otherwise its envelope id. */
export interface Spread {
  routeId?: string;
  sequence?: { key: string } | undefined;
  envelope?: { id: string } | undefined;
  envelopeKey?: string | undefined;
}

export function spreadKeyOf(message: Spread): string {
  if (message.sequence !== undefined && message.routeId !== undefined) return `${message.routeId}\u0000${message.sequence.key}`;
  return message.envelope?.id ?? message.envelopeKey ?? "";
}

/**
 * Which of `count` queues carries `text`: FNV-1a (32 bits) of its UTF-16 units, modulo the
 * count. Pure and stable: a message's retries and replays land where its first send did as
 * long as the count stays; with one queue, always 0.
 */
export function queueIndex(text: string, count: number): number {
  if (count <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** The delivery queue for a message (new, or sent again as new: a replay, a heavy replay deferred). */
export function deliveryQueueFor(env: Bindings, message: Spread | string): Queue<unknown> {
  const queues = deliveryQueuesOf(env);
  return queues[queueIndex(typeof message === "string" ? message : spreadKeyOf(message), queues.length)]!;
}

/** The message that lets a route's parked messages out (src/delivery/release.ts). */
export interface ReleaseMessage {
  v: 1;
  kind: "release";
  routeId: string;
  /** For one of an ordered route's key governors (src/delivery/governor/shards.ts); absent: the route's own. */
  shard?: number;
}

export function isReleaseMessage(body: unknown): body is ReleaseMessage {
  const b = body as Partial<ReleaseMessage> | null;
  return typeof b === "object" && b !== null && b.kind === "release" && typeof b.routeId === "string" && (b.shard === undefined || Number.isInteger(b.shard));
}

/** Sends `bodies` (JSON text) in batches within Queues' limits: 100 messages and 256 KB each. */
export async function sendAll(queue: Queue<unknown>, bodies: (DeliveryMessage | string)[]): Promise<void> {
  const limitBytes = 240_000;
  let batch: MessageSendRequest<unknown>[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length > 0) await queue.sendBatch(batch);
    batch = [];
    bytes = 0;
  };
  for (const body of bodies) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const size = text.length * 1.1 + 100;
    if (batch.length === 100 || bytes + size > limitBytes) await flush();
    batch.push({ body: typeof body === "string" ? (JSON.parse(text) as unknown) : body, contentType: "json" });
    bytes += size;
  }
  await flush();
}

/** Asks for a route's parked messages to be let out `delaySeconds` from now (src/delivery/release.ts). */
export async function sendRelease(env: Bindings, routeId: string, delaySeconds: number, shard?: number): Promise<void> {
  const body: ReleaseMessage = { v: 1, kind: "release", routeId, ...(shard !== undefined && { shard }) };
  await retryQueueOf(env).send(body, { contentType: "json", ...(delaySeconds > 0 && { delaySeconds: Math.ceil(delaySeconds) }) });
}
