import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { loadConfig } from "../config/load";
import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { errorBody, GatewayError } from "../errors";
import { discardBody } from "../ingest/body";
import { log, successLogged, useLogSettings } from "../log";

export interface AppVariables {
  requestId: string;
  config: GatewayConfig;
  /** Safe facts about the request, added by handlers, written as one log line at the end. */
  logFields: Record<string, unknown>;
}

export type AppEnv = { Bindings: Bindings; Variables: AppVariables };
export type App = Hono<AppEnv>;

export function createApp(): App {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const started = Date.now();
    useLogSettings(c.env);
    const requestId = crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("logFields", {});
    // Set before the handler runs, so every response it or onError builds carries it.
    c.header("X-Request-Id", requestId);
    await next();
    // Every refusal, failure, quarantine and change through the admin API has its line; a
    // request answered 2xx only when LOG_SUCCESS asks (the event log keeps it: src/log.ts).
    const fields = c.get("logFields");
    const status = c.res.status;
    const always = status >= 400 || fields.outcome === "quarantined" || isChange(c.req.method, c.req.path);
    if (!always && !successLogged({ source: typeof fields.source === "string" ? fields.source : undefined })) return;
    log({ requestId, method: c.req.method, path: c.req.path, status, durationMs: Date.now() - started, ...fields });
  });

  // A bad config answers 500 bad_config on every request, naming paths and secret names only.
  app.use(async (c, next) => {
    const loaded = loadConfig(c.env);
    if (!loaded.ok) throw new GatewayError("bad_config", `the gateway config is invalid: ${loaded.problems.join("; ")}`);
    c.set("config", loaded.config);
    await next();
  });

  app.onError(async (error, c) => {
    await discardBody(c.req.raw);
    const known = error instanceof GatewayError ? error : undefined;
    const code = known?.code ?? "internal_error";
    const message = known?.message ?? "something went wrong; the request was not taken";
    c.set("logFields", {
      ...c.get("logFields"),
      outcome: code,
      ...(known?.detail ? { reason: known.detail } : {}),
      ...(known ? {} : { error: error instanceof Error ? error.name : "unknown" }),
    });
    for (const [name, value] of Object.entries(known?.headers ?? {})) c.header(name, value);
    return c.json(errorBody(code, message, c.get("requestId")), (known?.status ?? 500) as ContentfulStatusCode);
  });

  app.notFound((c) => c.json(errorBody("not_found", "no such resource", c.get("requestId")), 404));
  return app;
}

/** A request that changes something (the admin API, the console's forms): an operator's act, always logged. */
function isChange(method: string, path: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS" && !path.startsWith("/hooks/");
}
