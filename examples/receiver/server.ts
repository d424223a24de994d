/**
 * `npm start` (here) or `npm run receiver` (at hookgate's root): the example receiver on
 * http://127.0.0.1:3000/webhooks. Point a route at it with the same `signingSecret`:
 *
 *   WEBHOOK_SECRET=whsec_... PORT=3000 npm start
 *
 * WORK_MS makes each event take that long, to see the busy answer with MAX_IN_FLIGHT.
 */
import { serve } from "@hono/node-server";
import { createReceiver } from "./receiver";

const secret = process.env.WEBHOOK_SECRET;
if (!secret?.startsWith("whsec_")) {
  console.error("set WEBHOOK_SECRET to the route's signingSecret (whsec_...)");
  process.exit(2);
}
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "127.0.0.1";
const workMs = Number(process.env.WORK_MS ?? 0);

const app = createReceiver({
  secret,
  maxInFlight: Number(process.env.MAX_IN_FLIGHT ?? 16),
  retryAfterSeconds: Number(process.env.RETRY_AFTER_SECONDS ?? 30),
  handle: async (event) => {
    if (workMs > 0) await new Promise((resolve) => setTimeout(resolve, workMs));
    console.log(`processed ${event.type} ${event.id}${event.subject ? ` subject ${event.subject}` : ""}`);
  },
});

serve({ fetch: app.fetch, port, hostname }, (info) => console.log(`receiver listening on http://${info.address}:${info.port}/webhooks`));
