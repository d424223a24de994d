import { ingest } from "../ingest/pipeline";
import type { App } from "./app";

/** `/hooks/{source}` and `/hooks/{source}/{rest}`: the URL providers call. */
export function registerHooks(app: App): void {
  app.all("/hooks/*", async (c) => {
    const outcome = await ingest({
      request: c.req.raw,
      env: c.env,
      config: c.get("config"),
      now: new Date(),
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    });
    c.set("logFields", { ...c.get("logFields"), ...logFieldsOf(outcome) });
    if (outcome.status === "quarantined") return c.json({ status: "quarantined", id: outcome.id }, 202);
    if (outcome.status === "duplicate") return c.json({ status: "duplicate", ids: outcome.duplicates }, 200);
    const body =
      outcome.duplicates.length > 0 ? { status: "accepted", ids: outcome.ids, duplicates: outcome.duplicates } : { status: "accepted", ids: outcome.ids };
    return c.json(body, 202);
  });
}

function logFieldsOf(outcome: Awaited<ReturnType<typeof ingest>>): Record<string, unknown> {
  if (outcome.status === "quarantined") return { source: outcome.source, outcome: "quarantined", ids: [outcome.id], reason: outcome.reason };
  return { source: outcome.source, outcome: outcome.status, ids: outcome.ids, duplicates: outcome.duplicates };
}
