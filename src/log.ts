/**
 * One JSON line per event, stamped with an ISO `time` (Workers Logs adds its own in
 * production; wrangler dev and the tests have none). Callers pass only what is safe to keep:
 * ids, names, codes, durations. Never a header value, a query string, a body or a secret.
 */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}
