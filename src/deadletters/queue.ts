import { loadConfig } from "../config/load";
import { DEFAULT_DEAD_LETTER_TTL_DAYS } from "../config/schema";
import type { DeliveryDeps } from "../delivery/attempt";
import { backoffSeconds } from "../delivery/backoff";
import { DeliveryMessage } from "../delivery/message";
import type { Bindings } from "../env";
import { log } from "../log";
import { deliveryDeadLetter, unreadableDeadLetter } from "./build";
import { storeDeadLetter } from "./store";

const CONSUMER_FAILED = "the delivery consumer failed on this message every time Queues retried it";

/**
 * The dead-letter queue gets what the delivery consumer could not settle `max_retries` times.
 * Each becomes a dead-letter record (reason `consumer_failed`) so it can be replayed; only if
 * that write fails is the message retried. Nothing is dropped.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Bindings, deps: DeliveryDeps): Promise<void> {
  // With the config unreadable, the default keeps the record rather than losing the message.
  const loaded = loadConfig(env);
  const ttlDays = loaded.ok ? loaded.config.delivery.deadLetterTtlDays : DEFAULT_DEAD_LETTER_TTL_DAYS;
  await Promise.allSettled(
    batch.messages.map(async (message) => {
      try {
        await keep(message, env.STATE, deps.now(), ttlDays);
        message.ack();
      } catch (error) {
        log({ event: "dead_letter_write_failed", messageId: message.id, error: String(error).slice(0, 200) });
        message.retry({ delaySeconds: backoffSeconds(message.attempts, deps.random) });
      }
    }),
  );
}

async function keep(message: Message<unknown>, kv: KVNamespace, now: number, ttlDays: number): Promise<void> {
  const parsed = DeliveryMessage.safeParse(message.body);
  if (!parsed.success) {
    await storeDeadLetter(kv, await unreadableDeadLetter(message.id, message.body, "consumer_failed", now), undefined, ttlDays);
    log({ event: "dead_letter_stored", messageId: message.id, reason: "consumer_failed" });
    return;
  }
  const delivery = parsed.data;
  const record = await deliveryDeadLetter(delivery, delivery.routeId, delivery.attempts, "consumer_failed", now, CONSUMER_FAILED);
  await storeDeadLetter(kv, record, delivery.replayOf, ttlDays);
  log({ event: "dead_letter_stored", messageId: message.id, deadLetterId: record.id, routeId: delivery.routeId, reason: "consumer_failed" });
}
