/**
 * One JSON line per event. Callers pass only what is safe to keep: ids, names, codes,
 * durations. Never a header value, a query string, a body or a secret.
 */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}
