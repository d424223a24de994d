import type { GatewayConfig } from "../../config/schema";
import { deliveryDeadLetter } from "../../deadletters/build";
import type { DeadLetterReason } from "../../deadletters/record";
import { storeDeadLetter } from "../../deadletters/store";
import type { Bindings } from "../../env";
import { log } from "../../log";
import { DeliveryMessage, envelopeIdOf } from "../message";
import type { BatchOutcomes } from "../outcomes";
import { retryQueueOf } from "../queues";
import { resend } from "../resend";
import { MAX_HELD_MS } from "./release-rows";

/**
 * The message again after `delaySeconds`, unchanged but for when it was first held: no attempt
 * made, none used up. Past MAX_HELD_MS it is a dead letter instead.
 */
export async function holdMessage(
  message: Message<unknown>,
  env: Bindings,
  config: GatewayConfig,
  outcomes: BatchOutcomes,
  delaySeconds: number,
  now: number,
): Promise<void> {
  const body = message.body as DeliveryMessage;
  const heldSince = body.heldSince ?? new Date(now).toISOString();
  if (now - Date.parse(heldSince) > MAX_HELD_MS) return buryUnattempted(message, env, config, outcomes, "paused_too_long", now);
  await resend(message, retryQueueOf(env) as Queue<DeliveryMessage>, { ...body, heldSince }, delaySeconds);
}

/** A governed message that is not attempted and not kept waiting: a dead letter with its history. */
export async function buryUnattempted(
  message: Message<unknown>,
  env: Bindings,
  config: GatewayConfig,
  outcomes: BatchOutcomes,
  reason: DeadLetterReason,
  now: number,
): Promise<void> {
  const parsed = DeliveryMessage.safeParse(message.body);
  if (!parsed.success) throw new Error("a governed message is not a delivery message");
  const delivery = parsed.data;
  const record = await deliveryDeadLetter(delivery, delivery.routeId, delivery.attempts, reason, now);
  await storeDeadLetter(env.STATE, record, delivery.replayOf, config.delivery.deadLetterTtlDays);
  const envelopeId = envelopeIdOf(delivery);
  log({ event: "dead_letter_stored", deadLetterId: record.id, envelopeId, routeId: delivery.routeId, reason });
  message.ack();
  outcomes.dead(
    { envelopeId, routeId: delivery.routeId, envelope: delivery.envelope, reason, lastStatus: record.lastStatus, deadLetterId: record.id },
    undefined,
  );
}
