import * as z from "zod";
import type { GatewayConfig } from "../config/schema";
import { Route } from "../config/schema";
import { resolveSecrets, type SecretReader } from "../config/secrets";

/**
 * Routes added through the admin API live in STATE KV as one document under `routes`,
 * kept as they were given (secret fields may be `{"secret": "NAME"}` references) and
 * resolved when used. One key keeps the ingest path at one read; the price is that two
 * admin writes at the same moment race, and the last one wins. KV is eventually
 * consistent: a change reaches every location within about a minute.
 */
const KEY = "routes";

export const StoredRoute = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The route as given, before secret references were resolved. */
  route: z.record(z.string(), z.unknown()),
});
export type StoredRoute = z.infer<typeof StoredRoute>;

const StoredRoutes = z.array(StoredRoute);

/**
 * How long an isolate reuses the added routes it read. KV itself takes up to 60 s to show a
 * change in every location, so a few seconds more change nothing users can rely on, and a busy
 * isolate reads KV once per interval instead of once per request ($0.50 per million reads, a
 * tenth of the ledger's budget per notification). A write from this isolate is seen at once.
 */
export const ROUTES_CACHE_MS = 5_000;
const cached = new WeakMap<KVNamespace, { at: number; routes: StoredRoute[] }>();

export async function readStoredRoutes(kv: KVNamespace): Promise<StoredRoute[]> {
  const raw = await kv.get(KEY, "json");
  if (raw === null) return [];
  const parsed = StoredRoutes.safeParse(raw);
  if (!parsed.success) throw new Error("the stored routes document is unreadable");
  return parsed.data;
}

/** The added routes for ingest and delivery: read at most once per ROUTES_CACHE_MS per isolate (the admin API always reads KV). */
async function recentStoredRoutes(kv: KVNamespace): Promise<StoredRoute[]> {
  const hit = cached.get(kv);
  const now = Date.now();
  if (hit && now - hit.at < ROUTES_CACHE_MS && now >= hit.at) return hit.routes;
  const routes = await readStoredRoutes(kv);
  cached.set(kv, { at: now, routes });
  return routes;
}

export async function writeStoredRoutes(kv: KVNamespace, routes: StoredRoute[]): Promise<void> {
  cached.delete(kv);
  await kv.put(KEY, JSON.stringify(routes));
  cached.delete(kv);
}

export type ResolvedRoute = { ok: true; route: Route } | { ok: false; id: string; problem: string };

/** Resolves a stored route's secrets and validates it with the same schema as config routes. */
export function resolveStoredRoute(stored: StoredRoute, read: SecretReader): ResolvedRoute {
  const resolved = resolveSecrets({ ...stored.route, id: stored.id }, read);
  if (resolved.missing.length > 0) {
    const m = resolved.missing[0]!;
    return { ok: false, id: stored.id, problem: `${m.path}: secret ${m.name} is not set` };
  }
  const parsed = Route.safeParse(resolved.value);
  if (!parsed.success) return { ok: false, id: stored.id, problem: parsed.error.issues[0]?.message ?? "invalid route" };
  return { ok: true, route: parsed.data };
}

/** What fan-out needs of a route: which envelopes it takes. Secrets are not needed for it. */
export type RoutingRule = Pick<Route, "id" | "events" | "sources" | "filter"> & Partial<Pick<Route, "ordered">>;

// Config objects refuse unknown keys; here the other fields of a stored route are simply not needed
// (`ordered`: an ordered route's messages are numbered at acceptance).
const RoutingFields = Route.pick({ events: true, sources: true, filter: true, ordered: true }).strip();

/**
 * Every route an envelope may be queued for: the config's, then every added one whose
 * events and sources can be read, without resolving its secrets. An added route whose
 * secret went missing still gets its messages; the consumer resolves the route when it
 * delivers, and keeps what it cannot deliver as a dead letter, so nothing bypasses it.
 */
export async function routingRules(config: GatewayConfig, kv: KVNamespace): Promise<RoutingRule[]> {
  const stored = await recentStoredRoutes(kv);
  const rules: RoutingRule[] = [...config.routes];
  for (const item of stored) {
    const parsed = RoutingFields.safeParse(item.route);
    if (parsed.success) rules.push({ id: item.id, ...parsed.data });
  }
  return rules;
}

export async function findRoute(config: GatewayConfig, kv: KVNamespace, read: SecretReader, id: string): Promise<ResolvedRoute | undefined> {
  const fromConfig = config.routes.find((r) => r.id === id);
  if (fromConfig) return { ok: true, route: fromConfig };
  const stored = (await recentStoredRoutes(kv)).find((r) => r.id === id);
  return stored ? resolveStoredRoute(stored, read) : undefined;
}
