import type { Bindings } from "../env";
import { handleDeadLetterBatch, handleDeliveryBatch } from "./consumer";
import type { DeliveryDeps } from "./attempt";

export { handleDeadLetterBatch, handleDeliveryBatch } from "./consumer";
export { deliveryDeadLetter, unroutedDeadLetter } from "./dead-letter";

const DEFAULT_DEAD_LETTER_QUEUE = "hookgate-dead-letters";

/** The Worker's `queue` handler: the dead-letter queue's batches and the deliveries' batches. */
export async function queue(batch: MessageBatch<unknown>, env: Bindings, _ctx: ExecutionContext): Promise<void> {
  const deps: DeliveryDeps = { fetch: globalThis.fetch.bind(globalThis), now: Date.now, random: Math.random };
  if (batch.queue === (env.DEAD_LETTER_QUEUE ?? DEFAULT_DEAD_LETTER_QUEUE)) {
    await handleDeadLetterBatch(batch, env, deps);
    return;
  }
  await handleDeliveryBatch(batch, env, deps);
}
