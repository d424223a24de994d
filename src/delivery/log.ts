/**
 * One JSON line per event. Callers pass ids, statuses, outcomes and short error texts only:
 * never auth values, signing secrets, envelopes or response bodies.
 */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(fields));
}
