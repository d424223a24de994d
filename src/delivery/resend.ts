import { utf8Length } from "../bytes";
import { log } from "../log";
import type { Attempt, DeliveryMessage } from "./message";

/** Queues carries 128 KB a message; the attempt history is shortened to stay under this. */
const MAX_MESSAGE_BYTES = 120_000;

/**
 * Sends the message again with its history and a delay, then acks the original. If the send
 * fails the original is retried with the same delay: this attempt's record is lost, the
 * message is not.
 */
export async function resend(message: Message<unknown>, queue: Queue<DeliveryMessage>, next: DeliveryMessage, delaySeconds: number): Promise<void> {
  try {
    // JSON, like every other send: the message was sized as JSON, and v8 serialization can be twice as large.
    await queue.send(fitMessage(next), { delaySeconds, contentType: "json" });
    message.ack();
  } catch (error) {
    log({ event: "delivery_resend_failed", routeId: next.routeId, error: String(error).slice(0, 200) });
    message.retry({ delaySeconds });
  }
}

/** Shortens the errors of earlier attempts when the history would not fit in one message. */
export function fitMessage(message: DeliveryMessage, limit = MAX_MESSAGE_BYTES): DeliveryMessage {
  let fitted = message;
  for (const keep of [200, 0]) {
    if (byteLength(fitted) <= limit) return fitted;
    const last = fitted.attempts.length - 1;
    fitted = { ...fitted, attempts: fitted.attempts.map((a, i) => (i === last ? a : shortened(a, keep))) };
  }
  return fitted;
}

function shortened(attempt: Attempt, keep: number): Attempt {
  if (attempt.error === undefined || attempt.error.length <= keep) return attempt;
  const { error, ...rest } = attempt;
  return keep === 0 ? rest : { ...rest, error: `${error.slice(0, keep)}…` };
}

function byteLength(value: unknown): number {
  return utf8Length(JSON.stringify(value));
}
