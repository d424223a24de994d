import type { Route } from "../config/schema";
import type { Envelope } from "../envelope";
import { filterMatches } from "./filter-match";

/**
 * `bs2.boleto.*` matches `bs2.boleto.paid` and `bs2.boleto.x.y`; `*` matches everything.
 * Without a regular expression: the type comes from the provider and may be long, and a
 * glob with several stars would make a backtracking match take seconds. A prefix, a
 * suffix, and the pieces between found in order (leftmost first) is linear.
 */
export function matchesEvent(glob: string, type: string): boolean {
  if (glob === "*" || glob === type) return true;
  if (!glob.includes("*")) return false;
  const pieces = glob.split("*");
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (type.length < first.length + last.length || !type.startsWith(first) || !type.endsWith(last)) return false;
  const end = type.length - last.length;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = type.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

export function routeMatches(route: Pick<Route, "events" | "sources">, source: string, envelope: Envelope): boolean {
  if (route.sources && !route.sources.includes(source)) return false;
  return route.events.some((glob) => matchesEvent(glob, envelope.type));
}

/** Whether the route takes the envelope: its events and sources match, and its filter, if any, too. */
export function routeTakes(route: Pick<Route, "events" | "sources" | "filter">, source: string, envelope: Envelope): boolean {
  return routeMatches(route, source, envelope) && passesFilter(route, envelope);
}

export function passesFilter(route: Pick<Route, "filter">, envelope: Envelope): boolean {
  return route.filter === undefined || filterMatches(route.filter, envelope);
}
