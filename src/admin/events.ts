import type { GatewayConfig } from "../config/schema";
import { waitingOfDeliveries } from "../delivery/governor/client";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { acceptEnvelopes } from "../ingest/accept";
import { CursorError, eventEnvelope, getEvent, listEvents } from "../ledger/queries";
import { Recorder } from "../ledger/recorder";
import { EventQuery, RedeliverBody } from "../ledger/schema";
import { routingRules } from "../routing/store";
import { invalid, readJson } from "./read-json";

/** The event log's admin calls (docs/contract.md §8; metrics in metrics.ts). Without the log they answer 404. */
export function registerEventAdmin(app: App): void {
  app.get("/admin/events", async (c) => {
    const query = EventQuery.safeParse(c.req.query());
    if (!query.success) throw invalid(query.error, "(query)");
    const config = logOn(c.env, c.get("config"));
    try {
      return c.json(await listEvents(c.env, config, query.data));
    } catch (error) {
      if (error instanceof CursorError) throw new GatewayError("bad_request", error.message);
      throw error;
    }
  });

  app.get("/admin/events/:id", async (c) => {
    const detail = await getEvent(c.env, logOn(c.env, c.get("config")), c.req.param("id"));
    if (!detail) throw new GatewayError("not_found", "no such event in the log");
    // Where a pending delivery waits (paused, open, rate, order), from its route's governor.
    const shards = new Map((await routingRules(c.get("config"), c.env.STATE)).map((r) => [r.id, r.ordered?.shards ?? 0]));
    const deliveries = await waitingOfDeliveries(c.env, c.req.param("id"), detail.deliveries, (id) => shards.get(id) ?? 0);
    return c.json({ ...detail, deliveries });
  });

  app.post("/admin/events/:id/redeliver", async (c) => {
    const id = c.req.param("id");
    const config = logOn(c.env, c.get("config"));
    const body = await readJson(c.req.raw, RedeliverBody);
    const found = await eventEnvelope(c.env, config, id);
    if (!found) throw new GatewayError("not_found", "no such event in the log");
    if (!found.envelope)
      throw new GatewayError("conflict", "the envelope is no longer kept (it was too large for the log and has expired); it cannot be sent again");
    const wanted = body.routes ?? found.routeIds;
    if (wanted.length === 0) throw new GatewayError("bad_request", "routes: this event has no routes; name the routes to send it to");
    const rules = await routingRules(config, c.env.STATE);
    const unknown = wanted.find((routeId) => !rules.some((r) => r.id === routeId));
    if (unknown !== undefined) throw new GatewayError("bad_request", `routes: no route "${unknown}"`);
    const routes = rules.filter((r) => wanted.includes(r.id));
    const events = Recorder.for(c.env, config);
    const now = new Date();
    const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
    const source = { name: found.envelope.source.replace(/^\/(hooks\/)?/, ""), dedupTtlSeconds: 0 };
    await acceptEnvelopes({ env: c.env, config, source, now, waitUntil, dedup: "skip", routes, chosenRoutes: true, events, byOperator: true }, [
      found.envelope,
    ]);
    events.redelivering(
      id,
      routes.map((r) => r.id),
      "redelivered",
      now,
      found.envelope,
    );
    waitUntil(events.flush(now));
    c.set("logFields", { ...c.get("logFields"), ids: [id], routes: routes.map((r) => r.id) });
    return c.json({ status: "redelivering", id, routes: routes.map((r) => r.id) }, 202);
  });
}

/** The config, when the event log is on; 404 otherwise, with `hint` (what to do instead) when the caller has one. */
export function logOn(env: Bindings, config: GatewayConfig, hint?: string): GatewayConfig {
  if (!config.eventLog.enabled || !env.LEDGER) {
    throw new GatewayError("not_found", `the event log is off (eventLog.enabled is false, or no LEDGER binding)${hint ? `; ${hint}` : ""}`);
  }
  return config;
}

/** Metrics' D1 database (per-minute counts, totals, the dead-letter tally); 404 when the log is off. */
export function metricsDb(env: Bindings, config: GatewayConfig): D1Database {
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  if (!db) throw new GatewayError("not_found", "metrics are off (no EVENTS database bound, or eventLog.enabled is false)");
  return db;
}
