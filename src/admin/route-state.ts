import type { GatewayConfig } from "../config/schema";
import { pauseRouteNow, type RouteStateView, readRouteState, resumeRouteNow } from "../delivery/governor/client";
import { announce } from "../delivery/governor/events";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { log } from "../log";
import { readStoredRoutes, resolveStoredRoute } from "../routing/store";
import { routeView, writtenConfigRoutes } from "./mask";
import type { RouteView } from "./schemas";

/**
 * A route's governed state (docs/admin-api.md): one route with its state, and the operator's
 * pause and resume. Config routes and added routes alike: pausing changes no config.
 */
export function registerRouteStateAdmin(app: App): void {
  app.get("/admin/routes/:id", async (c) => {
    const view = await findView(c.get("config"), c.env, c.req.param("id"));
    return c.json((await withStates(c.env, [view]))[0]!);
  });

  for (const [action, apply] of [
    ["pause", pauseRouteNow],
    ["resume", resumeRouteNow],
  ] as const) {
    app.post(`/admin/routes/:id/${action}`, async (c) => {
      const id = c.req.param("id");
      await findView(c.get("config"), c.env, id);
      const change = await apply(c.env, id, Date.now()).catch(unreachable);
      if (change) c.executionCtx.waitUntil(announce(c.env, c.get("config"), id, [change], new Date()));
      return c.body(null, 204);
    });
  }
}

/** Each view with its route's state; a governor that cannot be read leaves the state out rather than fail the list. */
export async function withStates(env: Bindings, views: RouteView[]): Promise<RouteView[]> {
  return Promise.all(views.map(async (view) => ({ ...view, ...(await routeStateOf(env, view.id, view.ordered?.shards)) })));
}

/** A route's state from its governor; undefined (and logged) when the governor cannot be read. */
export async function routeStateOf(env: Bindings, routeId: string, shards?: number): Promise<RouteStateView | undefined> {
  try {
    return await readRouteState(env.ROUTE_GOVERNOR, routeId, shards);
  } catch (error) {
    log({ event: "route_state_unreadable", routeId, error: String(error).slice(0, 200) });
    return undefined;
  }
}

async function findView(config: GatewayConfig, env: Bindings, id: string): Promise<RouteView> {
  const index = config.routes.findIndex((r) => r.id === id);
  if (index >= 0) return routeView(config.routes[index]!, "config", writtenConfigRoutes(env.GATEWAY_CONFIG)[index]);
  const item = (await readStoredRoutes(env.STATE)).find((r) => r.id === id);
  const resolved = item ? resolveStoredRoute(item, (name) => env[name]) : undefined;
  if (!item || !resolved?.ok) throw new GatewayError("not_found", `no route ${id}`);
  return routeView(resolved.route, "admin", item.route, { createdAt: item.createdAt, updatedAt: item.updatedAt });
}

function unreachable(error: unknown): never {
  log({ event: "route_governor_unreachable", error: String(error).slice(0, 200) });
  throw GatewayError.unavailable("the route's governor could not be reached; retry");
}
