import type { GatewayConfig } from "../config/schema";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { isLocalDev, targetUrlProblem } from "../net/targets";
import { readStoredRoutes, resolveStoredRoute, type StoredRoute, writeStoredRoutes } from "../routing/store";
import { transformRouteProblem } from "../routing/transform";
import { routeView, writtenConfigRoutes } from "./mask";
import { readJson } from "./read-json";
import { withStates } from "./route-state";
import { CreateRouteBody, UpdateRouteBody } from "./schemas";

/** Routes added at run time, modeled on BS2's route registration API. Config routes are read-only. */
export function registerRouteAdmin(app: App): void {
  app.get("/admin/routes", async (c) => {
    const config = c.get("config");
    const stored = await readStoredRoutes(c.env.STATE);
    const read = (name: string) => c.env[name];
    const added = stored.flatMap((item) => {
      const resolved = resolveStoredRoute(item, read);
      return resolved.ok ? [routeView(resolved.route, "admin", item.route, timesOf(item))] : [];
    });
    const written = writtenConfigRoutes(c.env.GATEWAY_CONFIG);
    const fromConfig = config.routes.map((route, index) => routeView(route, "config", written[index]));
    return c.json({ routes: await withStates(c.env, [...fromConfig, ...added]) });
  });

  app.post("/admin/routes", async (c) => {
    const { id: chosen, ...body } = await readJson(c.req.raw, CreateRouteBody);
    const config = c.get("config");
    const stored = await readStoredRoutes(c.env.STATE);
    if (chosen !== undefined && (config.routes.some((r) => r.id === chosen) || stored.some((r) => r.id === chosen))) {
      throw new GatewayError("conflict", `route id ${chosen} is taken`);
    }
    const now = new Date().toISOString();
    const id = chosen ?? `r-${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const item: StoredRoute = { id, createdAt: now, updatedAt: now, route: toStored(body) };
    const view = validated(item, config, c.env);
    await writeStoredRoutes(c.env.STATE, [...stored, item]);
    return c.json((await withStates(c.env, [view]))[0], 201);
  });

  app.put("/admin/routes/:id", async (c) => {
    const id = c.req.param("id");
    const config = c.get("config");
    refuseConfigRoute(config, id);
    const body = await readJson(c.req.raw, UpdateRouteBody);
    const stored = await readStoredRoutes(c.env.STATE);
    const index = stored.findIndex((r) => r.id === id);
    if (index === -1) throw new GatewayError("not_found", `no route ${id}`);
    const current = stored[index]!;
    refuseSecretsToNewOrigin(current.route, body);
    // A partial update: what the body names replaces the stored field (auth as a whole); the
    // rest is kept, and the merged route is validated by the same schema as a new one.
    const merged = Object.fromEntries(Object.entries({ ...current.route, ...toStored(body) }).filter(([, value]) => value !== null));
    const updated: StoredRoute = { ...current, updatedAt: new Date().toISOString(), route: merged };
    const view = validated(updated, config, c.env);
    await writeStoredRoutes(c.env.STATE, stored.with(index, updated));
    return c.json((await withStates(c.env, [view]))[0], 200);
  });

  app.delete("/admin/routes/:id", async (c) => {
    const id = c.req.param("id");
    refuseConfigRoute(c.get("config"), id);
    const stored = await readStoredRoutes(c.env.STATE);
    if (!stored.some((r) => r.id === id)) throw new GatewayError("not_found", `no route ${id}`);
    await writeStoredRoutes(
      c.env.STATE,
      stored.filter((r) => r.id !== id),
    );
    return c.body(null, 204);
  });
}

/** The stored form: BS2's single `event` becomes the route's `events`; absent fields stay absent. */
function toStored(body: UpdateRouteBody): Record<string, unknown> {
  const { event, ...rest } = body;
  const route: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (event !== undefined) route.events = [event];
  return route;
}

function validated(item: StoredRoute, config: GatewayConfig, env: Record<string, unknown>) {
  const resolved = resolveStoredRoute(item, (name) => env[name]);
  if (!resolved.ok) throw new GatewayError("bad_request", resolved.problem);
  const transform = transformRouteProblem(resolved.route);
  if (transform) throw new GatewayError("bad_request", transform);
  const unknown = resolved.route.sources?.find((name) => !Object.hasOwn(config.sources, name));
  if (unknown) throw new GatewayError("bad_request", `sources: no source named "${unknown}"`);
  const local = targetUrlProblem(resolved.route.url, { localDev: isLocalDev(env.LOCAL_DEV) });
  if (local) throw new GatewayError("bad_request", `url: ${local}`);
  return routeView(resolved.route, "admin", item.route, timesOf(item));
}

/**
 * A route's credentials and signing secret were given for its origin: a url on another origin
 * (scheme, host or port) must come with new ones, or whoever can edit the route (or a page that
 * makes an operator's browser do it) sends the stored token to a host of their choice.
 */
function refuseSecretsToNewOrigin(stored: Record<string, unknown>, body: UpdateRouteBody): void {
  if (body.url === undefined || originOf(body.url) === originOf(stored.url)) return;
  const auth = stored.auth as { type?: unknown } | undefined;
  const needed = [
    ...(auth !== undefined && auth.type !== "none" && body.auth === undefined ? ["auth"] : []),
    ...(stored.signingSecret !== undefined && body.signingSecret === undefined ? ["signingSecret"] : []),
  ];
  if (needed.length === 0) return;
  throw new GatewayError("bad_request", `url: a new origin needs ${needed.join(" and ")} in the same request; the stored ones are not sent to another host`);
}

function originOf(url: unknown): string | undefined {
  try {
    return typeof url === "string" ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

function timesOf(item: StoredRoute) {
  return { createdAt: item.createdAt, updatedAt: item.updatedAt };
}

function refuseConfigRoute(config: GatewayConfig, id: string): void {
  if (config.routes.some((r) => r.id === id)) {
    throw new GatewayError("conflict", `route ${id} comes from GATEWAY_CONFIG and is read-only here; change it in the config and redeploy`);
  }
}
