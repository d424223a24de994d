import { loadConfig } from "../config/load";
import type { Bindings } from "../env";
import { DeliveryMessage } from "../queue/message";
import type { DeliveryDeps } from "./attempt";
import { deliveryDeadLetter, unreadableDeadLetter } from "./dead-letter";
import { log } from "../log";
import { backoffSeconds } from "./backoff";
import { storeDeadLetter } from "./settle";

/** Dead letters live this long when the config, which says otherwise, cannot be read. */
const DEFAULT_TTL_DAYS = 14;

const CONSUMER_FAILED = "the delivery consumer failed on this message every time Queues retried it";

/**
 * The dead-letter queue gets what the delivery consumer could not settle `max_retries` times.
 * Each becomes a dead-letter record (reason `consumer_failed`) so it can be replayed; only if
 * that write fails is the message retried. Nothing is dropped.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Bindings, deps: DeliveryDeps): Promise<void> {
  const verdict = loadConfig(env);
  const ttlDays = verdict.ok ? verdict.config.delivery.deadLetterTtlDays : DEFAULT_TTL_DAYS;
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
