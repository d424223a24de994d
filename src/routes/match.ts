import type { Envelope } from "../envelope";
import type { Route } from "../config/schema";

/** `bs2.boleto.*` matches `bs2.boleto.paid` and `bs2.boleto.x.y`; `*` matches everything. */
export function matchesEvent(glob: string, type: string): boolean {
  if (glob === "*" || glob === type) return true;
  if (!glob.includes("*")) return false;
  const pattern = glob.split("*").map(escapeRegExp).join(".*");
  return new RegExp(`^${pattern}$`).test(type);
}

export function routeMatches(route: Pick<Route, "events" | "sources">, source: string, envelope: Envelope): boolean {
  if (route.sources && !route.sources.includes(source)) return false;
  return route.events.some((glob) => matchesEvent(glob, envelope.type));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
