import type { Bindings } from "../env";
import type { DeliveryMessage } from "./message";

/**
 * Which queue a message goes to (docs/delivery.md, "Queues"). New notifications go to the
 * delivery queues, chosen by a hash of the envelope id when there are several; retries,
 * released parked messages and release messages go to the retries queue, so that no backlog of
 * delivery's own can take the throughput ingest needs. Without a retries queue bound (an older
 * wrangler.toml), everything goes to DELIVERIES as before.
 */
export function retryQueueOf(env: Bindings): Queue<unknown> {
  return (env.DELIVERY_RETRIES ?? env.DELIVERIES) as Queue<unknown>;
}

/** The message that lets a route's parked messages out (src/delivery/release.ts). */
export interface ReleaseMessage {
  v: 1;
  kind: "release";
  routeId: string;
}

export function isReleaseMessage(body: unknown): body is ReleaseMessage {
  const b = body as Partial<ReleaseMessage> | null;
  return typeof b === "object" && b !== null && b.kind === "release" && typeof b.routeId === "string";
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
export async function sendRelease(env: Bindings, routeId: string, delaySeconds: number): Promise<void> {
  const body: ReleaseMessage = { v: 1, kind: "release", routeId };
  await retryQueueOf(env).send(body, { contentType: "json", ...(delaySeconds > 0 && { delaySeconds: Math.ceil(delaySeconds) }) });
}
