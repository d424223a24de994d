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
 * An isolate asks D1 about one source's refusals once a minute, or sooner when it has itself
 * refused half the threshold since it last asked: a storm is heard within a few requests, and
 * each isolate reads D1 at most once per that many refusals.
 */
const REFUSAL_CHECK_INTERVAL_MS = 60_000;
const refusalChecks = new Map<string, { at: number; since: number }>();

export async function checkRefusals(env: Bindings, config: GatewayConfig, source: string, now: Date): Promise<void> {
  const db = config.eventLog.enabled ? env.EVENTS : undefined;
  if (!db) return;
  const check = refusalChecks.get(source) ?? { at: 0, since: 0 };
  check.since += 1;
  refusalChecks.set(source, check);
  if (now.getTime() - check.at < REFUSAL_CHECK_INTERVAL_MS && check.since < Math.max(1, Math.floor(config.alerts.refusals / 2))) return;
  refusalChecks.set(source, { at: now.getTime(), since: 0 });
  try {
    await flushMetrics(db, now);
    const row = await db
      .prepare("SELECT coalesce(SUM(count), 0) AS n FROM metrics WHERE scope = 'ingest' AND name = ?1 AND key IN ('unauthorized', 'forbidden') AND minute > ?2")
      .bind(source, Math.floor(now.getTime() / 60_000) - WINDOW_MINUTES)
      .first<{ n: number }>();
    const refusals = row?.n ?? 0;
    if (refusals < config.alerts.refusals) return;
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
