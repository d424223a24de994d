/**
 * `npm start` (here) or `npm run receiver` (at hookgate's root): the example receiver on
 * http://127.0.0.1:3000/webhooks. Point a route at it with the same `signingSecret`:
 *
 *   WEBHOOK_SECRET=whsec_... PORT=3000 npm start
 *
 * WORK_MS makes each event take that long, to see the busy answer with MAX_IN_FLIGHT.
 */
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createReceiver } from "./receiver";

// Settings come from the environment; the command line takes only --help (a standalone example:
// hookgate's own scripts share scripts/lib/args.ts, which this package does not have).
const HELP = `npm run receiver  (or npm start in examples/receiver)

The example receiver on http://HOST:PORT/webhooks: verifies each delivery's Standard Webhooks
signature, parses the CloudEvent and deduplicates on webhook-id. Set in the environment:

  WEBHOOK_SECRET        the route's signingSecret (whsec_...), required
  PORT, HOST            where it listens (default 3000, 127.0.0.1)
  MAX_IN_FLIGHT         events handled at once before it answers busy (default 16)
  RETRY_AFTER_SECONDS   the Retry-After of a busy answer (default 30)
  WORK_MS               how long each event takes (default 0)`;
try {
  if (parseArgs({ args: process.argv.slice(2), options: { help: { type: "boolean", short: "h" } } }).values.help) {
    console.log(HELP);
    process.exit(0);
  }
} catch (error) {
  const option = /'([^' ]+)'/.exec(String(error))?.[1];
  const mistake =
    (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? `unknown option ${option}` : error instanceof Error ? error.message : String(error);
  console.error(`${mistake}\n\nusage: ${HELP.split("\n")[0]}\n(--help for more)`);
  process.exit(2);
}

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
