import type { GatewayConfig } from "../../config/schema";
import type { Bindings } from "../../env";
import { emitOperational } from "../../observability/operational";
import type { Change } from "./state";

/**
 * A route's state changes as operational events (docs/contract.md §8.2), through the same
 * once-per-window limit as the others. None is sent to the route it is about: a route that
 * takes `hookgate.*` events never hears of its own breaker (it could not take the news anyway).
 */
export async function announce(env: Bindings, config: GatewayConfig, routeId: string, changes: Change[], now: Date): Promise<void> {
  await Promise.all(changes.map((change) => emitOperational(env, config, { ...eventOf(routeId, change), notTo: routeId }, now)));
}

function eventOf(routeId: string, change: Change) {
  switch (change.kind) {
    case "paused":
      return {
        type: "hookgate.route.paused" as const,
        subject: routeId,
        summary: `route ${routeId} is paused by the ${change.by}: ${change.reason}`,
        data: { routeId, by: change.by, reason: change.reason, since: new Date(change.since).toISOString() },
      };
    case "resumed":
      return {
        type: "hookgate.route.resumed" as const,
        subject: routeId,
        summary: `route ${routeId} is delivering again (${change.reason})`,
        data: { routeId, by: change.by, reason: change.reason, since: new Date(change.since).toISOString() },
      };
    case "head_failing":
      return {
        type: "hookgate.route.failing" as const,
        subject: routeId,
        summary: `route ${routeId}: the delivery at the head of key ${change.key} failed; ${change.waiting} wait behind it`,
        data: { routeId, key: change.key, sequence: change.n, waiting: change.waiting },
      };
  }
}
