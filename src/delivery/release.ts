import type { GatewayConfig } from "../config/schema";
import { deliveryDeadLetter } from "../deadletters/build";
import { storeDeadLetter } from "../deadletters/store";
import type { Bindings } from "../env";
import { log } from "../log";
import { governorOf } from "./governor/client";
import { RELEASE_PER_SECOND } from "./governor/release-rows";
import { DeliveryMessage, envelopeIdOf } from "./message";
import type { BatchOutcomes } from "./outcomes";
import { type ReleaseMessage, retryQueueOf, sendAll, sendRelease } from "./queues";

/** A release message that could not be handled (the governor or the queue down) comes back this late. */
const RELEASE_RETRY_SECONDS = 5;

/**
 * A release message (docs/delivery.md, "Parked messages"): asks the route's governor for what
 * can go now, sends it to the retries queue (one enqueue per parked message, oldest first, at
 * most RELEASE_PER_SECOND a second and route), keeps what waited past 14 days as dead letters,
 * and sends the next release message when there is more.
 */
export async function handleReleaseMessage(
  message: Message<unknown>,
  body: ReleaseMessage,
  env: Bindings,
  config: GatewayConfig,
  now: number,
  outcomes: BatchOutcomes,
): Promise<void> {
  try {
    const answer = await governorOf(env.ROUTE_GOVERNOR, body.routeId, body.shard).release(now, RELEASE_PER_SECOND);
    log({
      event: "governor_call",
      call: "release",
      routeId: body.routeId,
      ...(body.shard !== undefined && { shard: body.shard }),
      rowsWritten: answer.rowsWritten,
      released: answer.bodies.length,
      expired: answer.expired.length,
      parked: answer.parked,
    });
    await sendAll(retryQueueOf(env), answer.bodies);
    for (const text of answer.expired) await buryExpired(text, env, config, now, outcomes);
    if (answer.wakeInSeconds !== undefined) await sendRelease(env, body.routeId, answer.wakeInSeconds, body.shard);
    message.ack();
  } catch (error) {
    log({ event: "governor_release_failed", routeId: body.routeId, error: String(error).slice(0, 200) });
    message.retry({ delaySeconds: RELEASE_RETRY_SECONDS });
  }
}

/** A message parked past 14 days: a dead letter (`paused_too_long`) with its history, never dropped. */
async function buryExpired(text: string, env: Bindings, config: GatewayConfig, now: number, outcomes: BatchOutcomes): Promise<void> {
  const parsed = DeliveryMessage.safeParse(JSON.parse(text));
  if (!parsed.success) return log({ event: "parked_message_unreadable", problem: parsed.error.issues[0]?.message });
  const delivery = parsed.data;
  const record = await deliveryDeadLetter(delivery, delivery.routeId, delivery.attempts, "paused_too_long", now);
  await storeDeadLetter(env.STATE, record, delivery.replayOf, config.delivery.deadLetterTtlDays);
  const envelopeId = envelopeIdOf(delivery);
  log({ event: "dead_letter_stored", deadLetterId: record.id, envelopeId, routeId: delivery.routeId, reason: "paused_too_long" });
  outcomes.dead(
    { envelopeId, routeId: delivery.routeId, envelope: delivery.envelope, reason: "paused_too_long", lastStatus: record.lastStatus, deadLetterId: record.id },
    undefined,
  );
}
