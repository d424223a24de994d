import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { BEFORE_AUTHENTICATION, type IngestOutcome, ingest, parseHookPath } from "../ingest/pipeline";
import { Recorder } from "../ledger/recorder";
import { checkRefusals } from "../observability/alerts";
import { count, countAnswer, UNKNOWN_SOURCE } from "../observability/metrics";
import { emitOperational } from "../observability/operational";
import type { App } from "./app";

/** Answers that come only after the request authenticated: they are recorded, not just counted. */
const AFTER_AUTHENTICATION = new Set(["invalid_payload", "unavailable"]);

/** `/hooks/{source}` and `/hooks/{source}/{rest}`: the URL providers call. */
export function registerHooks(app: App): void {
  app.all("/hooks/*", async (c) => {
    const config = c.get("config");
    const now = new Date();
    const requestId = c.get("requestId");
    const events = Recorder.for(c.env, config, { requestId, at: now });
    const waitUntil = (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise);
    const name = parseHookPath(c.req.path).name;
    const source = Object.hasOwn(config.sources, name) ? name : UNKNOWN_SOURCE;
    let outcome: IngestOutcome;
    try {
      outcome = await ingest({ request: c.req.raw, env: c.env, config, now, waitUntil, events });
    } catch (error) {
      const code = error instanceof GatewayError ? error.code : "internal_error";
      count("ingest", source, code, now.getTime());
      countAnswer(source, Date.now() - now.getTime(), now.getTime());
      if (AFTER_AUTHENTICATION.has(code) && !(error instanceof GatewayError && error.detail === BEFORE_AUTHENTICATION)) {
        events.requestAnswered({ requestId, source, at: now, outcome: code as "invalid_payload" | "unavailable", accepted: [], duplicates: [] });
      }
      if ((code === "unauthorized" || code === "forbidden") && source !== UNKNOWN_SOURCE) waitUntil(checkRefusals(c.env, config, source, now));
      waitUntil(events.flush(now));
      throw error;
    }

    count("ingest", source, outcome.status, now.getTime());
    countAnswer(source, Date.now() - now.getTime(), now.getTime());
    events.requestAnswered(answered(outcome, requestId, now));
    waitUntil(events.flush(now));
    c.set("logFields", { ...c.get("logFields"), ...logFieldsOf(outcome) });
    if (outcome.status === "quarantined") {
      waitUntil(announceQuarantine(c.env, config, outcome, now));
      return c.json({ status: "quarantined", id: outcome.id }, 202);
    }
    if (outcome.status === "duplicate") return c.json({ status: "duplicate", ids: outcome.duplicates }, 200);
    const body =
      outcome.duplicates.length > 0 ? { status: "accepted", ids: outcome.ids, duplicates: outcome.duplicates } : { status: "accepted", ids: outcome.ids };
    return c.json(body, 202);
  });
}

function answered(outcome: IngestOutcome, requestId: string, at: Date) {
  if (outcome.status === "quarantined") {
    return { requestId, source: outcome.source, at, outcome: "quarantined" as const, accepted: [], duplicates: [], deadLetterId: outcome.id };
  }
  return { requestId, source: outcome.source, at, outcome: outcome.status, accepted: outcome.ids, duplicates: outcome.duplicates };
}

function announceQuarantine(env: Bindings, config: GatewayConfig, outcome: Extract<IngestOutcome, { status: "quarantined" }>, now: Date): Promise<void> {
  return emitOperational(
    env,
    config,
    {
      type: "hookgate.request.quarantined",
      subject: outcome.source,
      summary: `a request to ${outcome.source} was quarantined (${outcome.reason.slice(0, 120)}); dead letter ${outcome.id}`,
      data: { source: outcome.source, deadLetterId: outcome.id, reason: outcome.reason.slice(0, 500) },
    },
    now,
  );
}

function logFieldsOf(outcome: IngestOutcome): Record<string, unknown> {
  if (outcome.status === "quarantined") return { source: outcome.source, outcome: "quarantined", ids: [outcome.id], reason: outcome.reason };
  return { source: outcome.source, outcome: outcome.status, ids: outcome.ids, duplicates: outcome.duplicates };
}
