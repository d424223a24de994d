/**
 * One JSON line per event, stamped with an ISO `time` (Workers Logs adds its own in
 * production; wrangler dev and the tests have none). Callers pass only what is safe to keep:
 * ids, names, codes, durations. Never a header value, a query string, a body or a secret.
 *
 * The line is a flat record, so each field maps to one OpenTelemetry log attribute when Workers
 * export logs to a collector (docs/observability.md): a nested object becomes dotted keys
 * (`limits.maxBytes`), a list of strings, numbers or booleans stays a list, any other list is
 * kept as its JSON text, a date as ISO 8601, and undefined fields are left out.
 */
export function log(fields: Record<string, unknown>): void {
  console.log(JSON.stringify(logRecord({ time: new Date().toISOString(), ...fields })));
}

export type LogValue = string | number | boolean | null | string[] | number[] | boolean[];

export function logRecord(fields: Record<string, unknown>, prefix = "", into: Record<string, LogValue> = {}): Record<string, LogValue> {
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix + key;
    if (value === undefined) continue;
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") into[name] = value;
    else if (Array.isArray(value)) into[name] = isPlainList(value) ? value : JSON.stringify(value);
    else if (isPlainObject(value)) logRecord(value, `${name}.`, into);
    else if (value instanceof Date) into[name] = Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    else into[name] = String(value);
  }
  return into;
}

/** Items all strings, all numbers or all booleans (or none): what an OpenTelemetry array attribute holds. */
function isPlainList(list: unknown[]): list is string[] | number[] | boolean[] {
  if (list.length === 0) return true;
  const kind = typeof list[0];
  return (kind === "string" || kind === "number" || kind === "boolean") && list.every((item) => typeof item === kind);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
