import { queue } from "./delivery";
import type { Bindings } from "./env";
import { registerAdmin } from "./http/admin";
import { createApp } from "./http/app";
import { registerHealth } from "./http/health";
import { registerHooks } from "./http/hooks";

const app = createApp();
registerHealth(app);
registerHooks(app);
registerAdmin(app);

export default {
  fetch: app.fetch,
  queue,
} satisfies ExportedHandler<Bindings>;
