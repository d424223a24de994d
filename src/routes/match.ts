import type { Envelope } from "../envelope";
import type { Route } from "../config/schema";

/** `bs2.boleto.*` matches `bs2.boleto.paid` and `bs2.boleto.x.y`; `*` matches everything. */
export function matchesEvent(glob: string, type: string): boolean {
  if (glob === "*" || glob === type) return true;
  if (!glob.includes("*")) return false;
  let pattern = compiled.get(glob);
  if (!pattern) {
    pattern = new RegExp(`^${glob.split("*").map(escapeRegExp).join(".*")}$`);
    // Globs come from config and admin routes: a small set, but bounded all the same.
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(glob, pattern);
  }
  return pattern.test(type);
}

/** Compiled once per isolate: the ingest path matches every envelope against every route. */
const compiled = new Map<string, RegExp>();

export function routeMatches(route: Pick<Route, "events" | "sources">, source: string, envelope: Envelope): boolean {
  if (route.sources && !route.sources.includes(source)) return false;
  return route.events.some((glob) => matchesEvent(glob, envelope.type));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
