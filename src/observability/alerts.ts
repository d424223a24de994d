import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { log } from "../log";
import { flushMetrics } from "./metrics";
import { emitOperational } from "./operational";

/**
 * The two alerts that need counting across invocations: a source whose refusals pass
 * `alerts.refusals` within 10 minutes (credentials gone stale at the provider), and a route
 * whose consecutive failed attempts pass `alerts.routeFailures`. Both count in D1, the one
 * place every location sees; both are best effort and never in the way.
 */
const WINDOW_MINUTES = 10;
/**
 * Refusals are counted in the isolate, per source and minute, over the window: an isolate that
 * sees the threshold itself raises the alert without asking D1. It asks D1 (every isolate's
 * counts) about a source at most once a minute, so a storm of refusals costs D1 one query per
 * isolate per minute, not one per few refusals: at 100 M a day mid-incident, a handful of
 * queries a minute instead of hundreds a second. Once the alert fired, the source is not
 * asked about again for the window (the operational event fires once a window anyway).
 */
const REFUSAL_CHECK_INTERVAL_MS = 60_000;
const MINUTE_MS = 60_000;
interface RefusalCount {
  /** Refusals per minute (epoch minute → count), the last WINDOW_MINUTES of them. */
  minutes: Map<number, number>;
  /** When D1 was last asked, or the alert last fired. */
  checkedAt: number;
  firedAt: number;
}
const refusalCounts = new Map<string, RefusalCount>();

/** Counts one refusal in the isolate; answers how many it saw of the source in the window. */
function countRefusal(source: string, now: number): { local: number; state: RefusalCount } {
  const state = refusalCounts.get(source) ?? { minutes: new Map<number, number>(), checkedAt: Number.NEGATIVE_INFINITY, firedAt: Number.NEGATIVE_INFINITY };
  refusalCounts.set(source, state);
  const minute = Math.floor(now / MINUTE_MS);
  state.minutes.set(minute, (state.minutes.get(minute) ?? 0) + 1);
  let local = 0;
  for (const [m, n] of state.minutes) {
    if (m <= minute - WINDOW_MINUTES) state.minutes.delete(m);
    else local += n;
  }
  return { local, state };
}

export async function checkRefusals(env: Bindings, config: GatewayConfig, source: string, now: Date): Promise<void> {
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  if (!db) return;
  const at = now.getTime();
  const { local, state } = countRefusal(source, at);
  if (at - state.firedAt < WINDOW_MINUTES * MINUTE_MS) return;
  try {
    let refusals = local;
    if (local < config.alerts.refusals) {
      if (at - state.checkedAt < REFUSAL_CHECK_INTERVAL_MS) return;
      state.checkedAt = at;
      await flushMetrics(db, now);
      const row = await db
        .prepare(
          "SELECT coalesce(SUM(count), 0) AS n FROM metrics WHERE scope = 'ingest' AND name = ?1 AND key IN ('unauthorized', 'forbidden') AND minute > ?2",
        )
        .bind(source, Math.floor(at / MINUTE_MS) - WINDOW_MINUTES)
        .first<{ n: number }>();
      refusals = Math.max(local, row?.n ?? 0);
      if (refusals < config.alerts.refusals) return;
    }
    state.firedAt = at;
    await emitOperational(
      env,
      config,
      {
        type: "hookgate.source.refusing",
        subject: source,
        summary: `${refusals} requests to ${source} refused (401/403) in the last ${WINDOW_MINUTES} minutes; has the provider's credential or certificate changed?`,
        data: { source, refusals, windowMinutes: WINDOW_MINUTES },
      },
      now,
    );
  } catch (error) {
    log({ event: "alert_check_failed", alert: "refusals", source, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
}

/** What one queue batch did to each route: its failed attempts in a row since its last success. */
export interface RouteRun {
  /** Failures after the batch's last success for the route (all of them if none succeeded). */
  failures: number;
  succeeded: boolean;
}

/** What this isolate last wrote for a route: a healthy route's successes need no write. */
const knownFailures = new Map<string, number>();

export async function recordRouteHealth(env: Bindings, config: GatewayConfig, runs: Map<string, RouteRun>, now: Date): Promise<void> {
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  const entries = [...runs].filter(([routeId, run]) => run.failures > 0 || knownFailures.get(routeId) !== 0);
  if (!db || entries.length === 0) return;
  try {
    const results = await db.batch<{ consecutive_failures: number }>(
      entries.map(([routeId, run]) =>
        db
          .prepare(
            `INSERT INTO route_health (route_id, consecutive_failures) VALUES (?1, ?2)
             ON CONFLICT (route_id) DO UPDATE SET consecutive_failures = CASE WHEN ?3 THEN ?2 ELSE consecutive_failures + ?2 END
             RETURNING consecutive_failures`,
          )
          .bind(routeId, run.failures, run.succeeded ? 1 : 0),
      ),
    );
    await Promise.all(
      entries.map(async ([routeId, run], i) => {
        const failures = results[i]?.results[0]?.consecutive_failures ?? 0;
        knownFailures.set(routeId, failures);
        if (run.failures === 0 || failures < config.alerts.routeFailures) return;
        await emitOperational(
          env,
          config,
          {
            type: "hookgate.route.failing",
            subject: routeId,
            summary: `route ${routeId} failed ${failures} attempts in a row`,
            data: { routeId, consecutiveFailures: failures },
          },
          now,
        );
      }),
    );
  } catch (error) {
    log({ event: "alert_check_failed", alert: "route_failures", error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
}
