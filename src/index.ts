import { registerAdmin } from "./admin";
import { handleDeadLetterBatch } from "./deadletters/queue";
import type { DeliveryDeps } from "./delivery/attempt";
import { handleDeliveryBatch } from "./delivery/consumer";
import type { Bindings } from "./env";
import { createApp } from "./http/app";
import { registerHealth } from "./http/health";
import { registerHooks } from "./http/hooks";
import { reconcileAll } from "./reconcile";

const app = createApp();
registerHealth(app);
registerHooks(app);
registerAdmin(app);

const DEFAULT_DEAD_LETTER_QUEUE = "hookgate-dead-letters";

export default {
  fetch: app.fetch,

  /** The deliveries' batches, and the dead-letter queue's. */
  async queue(batch: MessageBatch<unknown>, env: Bindings, _ctx: ExecutionContext): Promise<void> {
    const deps: DeliveryDeps = { fetch: globalThis.fetch.bind(globalThis), now: Date.now, random: Math.random };
    if (batch.queue === (env.DEAD_LETTER_QUEUE ?? DEFAULT_DEAD_LETTER_QUEUE)) return handleDeadLetterBatch(batch, env, deps);
    return handleDeliveryBatch(batch, env, deps);
  },

  /** Cron Triggers. */
  async scheduled(controller: ScheduledController, env: Bindings, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(reconcileAll(env, new Date(controller.scheduledTime))); // Pix reconciliation, CONTRACT.md §11
  },
} satisfies ExportedHandler<Bindings>;
