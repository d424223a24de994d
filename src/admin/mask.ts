import type { Route } from "../config/schema";
import { isSecretRef } from "../config/secrets";
import { RouteView } from "./schemas";

const MASK = "********";
const SECRET_FIELDS = ["password", "token", "value"] as const;

/** A secret never comes back: plain values are masked, `{"secret": "NAME"}` references shown. */
function masked(value: unknown): "********" | { secret: string } | undefined {
  if (value === undefined) return undefined;
  return isSecretRef(value) ? { secret: value.secret } : MASK;
}

/** A URL may carry credentials in its userinfo or its query: both are masked. */
export function maskUrl(value: string): string {
  const url = new URL(value);
  if (url.username || url.password) {
    url.username = MASK;
    url.password = "";
  }
  for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, MASK);
  return url.toString();
}

/**
 * The routes of the config document as written (GATEWAY_CONFIG, before its secret references are
 * resolved), so a config route's `{"secret": "NAME"}` comes back as the reference, like an added
 * route's. An unreadable document gives none: every secret is then masked.
 */
export function writtenConfigRoutes(raw: unknown): Record<string, unknown>[] {
  let document = raw;
  if (typeof raw === "string") {
    try {
      document = JSON.parse(raw);
    } catch {
      return [];
    }
  }
  const routes = (document as { routes?: unknown } | null)?.routes;
  return Array.isArray(routes) ? routes.map((route) => (typeof route === "object" && route !== null ? (route as Record<string, unknown>) : {})) : [];
}

/**
 * The admin view of a route. `raw` is the route as written (an added route as stored, a config
 * route as GATEWAY_CONFIG has it): a secret field that is a `{"secret": "NAME"}` reference comes
 * back as the reference, any other secret value as `********`.
 */
export function routeView(
  route: Route,
  origin: "config" | "admin",
  raw: Record<string, unknown> = {},
  times: { createdAt?: string; updatedAt?: string } = {},
): RouteView {
  const rawAuth = (raw.auth ?? {}) as Record<string, unknown>;
  const auth: RouteView["auth"] = { type: route.auth.type };
  if (route.auth.type === "basic") auth.username = route.auth.username;
  if (route.auth.type === "header") auth.name = route.auth.name;
  for (const field of SECRET_FIELDS) {
    if (field in route.auth) auth[field] = masked(rawAuth[field] ?? (route.auth as Record<string, unknown>)[field]);
  }
  const view: RouteView = {
    id: route.id,
    origin,
    readOnly: origin === "config",
    url: isSecretRef(raw.url) ? `{"secret":"${raw.url.secret}"}` : maskUrl(route.url),
    events: route.events,
    method: route.method,
    auth,
    timeoutMs: route.timeoutMs,
    breaker: route.breaker,
    ...(route.rateLimit && { rateLimit: route.rateLimit }),
    ...(route.ordered && { ordered: route.ordered }),
    ...times,
  };
  if (route.sources) view.sources = route.sources;
  if (route.filter) view.filter = route.filter;
  if (route.transform !== undefined) view.transform = route.transform;
  if (route.signingSecret !== undefined) view.signingSecret = masked(raw.signingSecret ?? route.signingSecret);
  // Parsing strips any key the view does not declare: nothing unlisted can slip out.
  return RouteView.parse(view);
}
