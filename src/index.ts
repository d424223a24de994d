import { registerAdmin } from "./admin";
import { loadConfig } from "./config/load";
import { registerConsole } from "./console";
import { handleDeadLetterBatch } from "./deadletters/queue";
import type { DeliveryDeps } from "./delivery/attempt";
import { handleDeliveryBatch } from "./delivery/consumer";
import type { Bindings } from "./env";
import { createApp } from "./http/app";
import { registerHealth } from "./http/health";
import { registerHooks } from "./http/hooks";
import { pruneLedger } from "./ledger/retention";
import { log, useLogSettings } from "./log";
import { reconcileAll } from "./reconcile";
import { handleReconcileBatch } from "./reconcile/queue";

export { RouteGovernor } from "./delivery/governor/object";
export { Ledger } from "./ledger/object";
export { StrictDedup } from "./ledger/strict-dedup";

const app = createApp();
registerHealth(app);
registerHooks(app);
registerAdmin(app);
registerConsole(app);
// The providers' URL on an app of its own: one route, so Hono matches it with one regular
// expression instead of walking the admin API's and the console's routes (a trie search per
// request in `npm run bench:profile`). Same middleware, same answers.
const hooks = createApp();
registerHooks(hooks);

const DEFAULT_DEAD_LETTER_QUEUE = "hookgate-dead-letters";
const DEFAULT_RECONCILE_QUEUE = "hookgate-reconcile";
const RECONCILE_CRON = "* * * * *";
const RETENTION_CRON = "17 * * * *";

export default {
  fetch: (request: Request, env: Bindings, ctx: ExecutionContext) => (isHookRequest(request.url) ? hooks : app).fetch(request, env, ctx),

  /** The deliveries' batches (and bulk-replay chunks), the dead-letter queue's, and the pages of Pix reconciliation. */
  async queue(batch: MessageBatch<unknown>, env: Bindings, ctx: ExecutionContext): Promise<void> {
    const deps: DeliveryDeps = { fetch: globalThis.fetch.bind(globalThis), now: Date.now, random: Math.random };
    if (batch.queue === (env.DEAD_LETTER_QUEUE ?? DEFAULT_DEAD_LETTER_QUEUE)) return handleDeadLetterBatch(batch, env, deps);
    if (batch.queue === (env.RECONCILE_QUEUE ?? DEFAULT_RECONCILE_QUEUE)) return handleReconcileBatch(batch, env, deps, (promise) => ctx.waitUntil(promise));
    return handleDeliveryBatch(batch, env, deps, (promise) => ctx.waitUntil(promise));
  },

  /** Cron Triggers (wrangler.toml): every minute Pix reconciliation, hourly ledger and event-log retention; another cron (a manual run) both. */
  async scheduled(controller: ScheduledController, env: Bindings, ctx: ExecutionContext): Promise<void> {
    useLogSettings(env);
    if (controller.cron !== RETENTION_CRON) ctx.waitUntil(reconcileAll(env, new Date(controller.scheduledTime))); // docs/contract.md §11
    if (controller.cron === RECONCILE_CRON) return;
    const loaded = loadConfig(env);
    if (!loaded.ok) {
      log({ event: "scheduled_config_broken", problems: loaded.problems });
      return;
    }
    await pruneLedger(env, loaded.config, new Date(controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings>;

/** Whether the URL's path starts with `/hooks/`, without parsing the whole URL. */
function isHookRequest(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path !== -1 && url.startsWith("/hooks/", path);
}
