import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { type Envelope, OPERATIONAL_SOURCE } from "../envelope";
import { acceptEnvelopes } from "../ingest/accept";
import { Recorder } from "../ledger/recorder";
import { log } from "../log";
import { routeMatches } from "../routing/match";
import { routingRules } from "../routing/store";

/**
 * The gateway's own CloudEvents (docs/contract.md §8.2), delivered through ordinary routes
 * (`events: ["hookgate.*"]`). Each fires at most once per subject (a source or a route) per
 * window, and never about an operational event's own delivery, so trouble cannot loop.
 */
export type OperationalType =
  | "hookgate.delivery.dead"
  | "hookgate.request.quarantined"
  | "hookgate.source.refusing"
  | "hookgate.route.failing"
  | "hookgate.route.paused"
  | "hookgate.route.resumed"
  | "hookgate.ledger.filling"
  | "hookgate.ledger.unwritable";

const WINDOW_MS = 10 * 60_000;
/** The operational events' source name, for route filters and the event log. */
const SOURCE_NAME = "hookgate";

export interface OperationalEvent {
  type: OperationalType;
  /** The source or route it is about: the rate limit's key and the envelope's subject. */
  subject: string;
  /** One line for people (and `"format": "slack"` routes). */
  summary: string;
  data: Record<string, unknown>;
  /** A route that never gets this event: the one it is about (a route's breaker never reports to itself). */
  notTo?: string;
}

/** True for an envelope the gateway made itself: nothing about it is emitted again. */
export function isOperational(envelope: Pick<Envelope, "type">): boolean {
  return envelope.type.startsWith("hookgate.");
}

const firedHere = new Map<string, number>();

/**
 * Emits one operational event, if a route wants it and the window allows. Never throws: an
 * alert that cannot be sent is logged, and what it was about goes on as before.
 */
export async function emitOperational(env: Bindings, config: GatewayConfig, event: OperationalEvent, now: Date): Promise<void> {
  try {
    const routes = (await routingRules(config, env.STATE)).filter(
      (route) => route.id !== event.notTo && routeMatches(route, SOURCE_NAME, { type: event.type } as Envelope),
    );
    if (routes.length === 0) return;
    if (!(await mayFire(env, config, `${event.type}|${event.subject}`, now.getTime()))) return;
    const envelope: Envelope = {
      specversion: "1.0",
      id: `${SOURCE_NAME}:${crypto.randomUUID()}`,
      source: OPERATIONAL_SOURCE,
      type: event.type,
      subject: event.subject,
      time: now.toISOString(),
      datacontenttype: "application/json",
      data: { summary: event.summary, ...event.data },
      receivedat: now.toISOString(),
    };
    const events = Recorder.for(env, config);
    const pending: Promise<unknown>[] = [];
    await acceptEnvelopes(
      { env, config, source: { name: SOURCE_NAME, dedupTtlSeconds: 0 }, now, waitUntil: (p) => pending.push(p), dedup: "skip", routes, events },
      [envelope],
    );
    await Promise.all([...pending, events.flush(now)]);
    log({ event: "operational_event", type: event.type, subject: event.subject, id: envelope.id });
  } catch (error) {
    log({
      event: "operational_event_failed",
      type: event.type,
      subject: event.subject,
      error: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
  }
}

/**
 * Once per key per window: this isolate's memory first (no I/O for a storm), then D1, which
 * is one database for every location, as the arbiter. With D1 down, the memory gate alone holds.
 */
async function mayFire(env: Bindings, config: GatewayConfig, key: string, now: number): Promise<boolean> {
  const last = firedHere.get(key);
  if (last !== undefined && now - last < WINDOW_MS) return false;
  firedHere.set(key, now);
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  if (!db) return true;
  try {
    const row = await db
      .prepare(
        "INSERT INTO alerts (key, fired_at) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET fired_at = excluded.fired_at WHERE alerts.fired_at <= ?3 RETURNING key",
      )
      .bind(key, now, now - WINDOW_MS)
      .first();
    return row !== null;
  } catch {
    return true;
  }
}

/** For tests: forget what this isolate fired. */
export function resetOperationalWindow(): void {
  firedHere.clear();
}
