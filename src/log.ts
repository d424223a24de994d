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

/**
 * What a success is worth a line for (docs/observability.md, "What is logged"). Failures,
 * refusals, dead letters, quarantines and operational events are written always, with `log`.
 * A success (a request answered 2xx, a delivered attempt, a governor's routine call) says nothing
 * the event log does not keep, and each line is a Workers Logs event billed past the plan's
 * allowance, so it is written only when `LOG_SUCCESS` asks: terms separated by commas,
 * - `all`, or a fraction such as `0.01`: that share of every success, sampled at random;
 * - `source:NAME`: every success of that source (its requests and its envelopes' deliveries);
 * - `route:ID`: every delivery to that route.
 * Unset (the default), no success is written. Terms that mean nothing are ignored.
 */
export interface SuccessScope {
  source?: string;
  route?: string;
}

export interface SuccessLogging {
  rate: number;
  sources: ReadonlySet<string>;
  routes: ReadonlySet<string>;
}

const NONE: SuccessLogging = { rate: 0, sources: new Set(), routes: new Set() };

export function parseLogSuccess(raw: string | undefined): SuccessLogging {
  if (raw === undefined || raw.trim() === "") return NONE;
  let rate = 0;
  const sources = new Set<string>();
  const routes = new Set<string>();
  for (const term of raw.split(",").map((t) => t.trim())) {
    if (term === "all") rate = 1;
    else if (term.startsWith("source:") && term.length > 7) sources.add(term.slice(7));
    else if (term.startsWith("route:") && term.length > 6) routes.add(term.slice(6));
    else if (/^(0|1|0?\.\d+|1\.0*)$/.test(term)) rate = Math.max(rate, Number(term));
  }
  return { rate, sources, routes };
}

export function wantsSuccess(logging: SuccessLogging, scope: SuccessScope = {}, random: () => number = Math.random): boolean {
  if (scope.source !== undefined && logging.sources.has(scope.source)) return true;
  if (scope.route !== undefined && logging.routes.has(scope.route)) return true;
  return logging.rate > 0 && (logging.rate >= 1 || random() < logging.rate);
}

/**
 * The setting of this deployment: `LOG_SUCCESS` is a variable of the Worker, the same for every
 * invocation of a version, so each entry point (fetch, queue, scheduled) states it once and the
 * call sites below ask `logSuccess` without carrying the bindings around. Parsed once per value.
 */
let current: { raw: string | undefined; logging: SuccessLogging } = { raw: undefined, logging: NONE };

export function useLogSettings(env: { LOG_SUCCESS?: string }): void {
  if (env.LOG_SUCCESS !== current.raw) current = { raw: env.LOG_SUCCESS, logging: parseLogSuccess(env.LOG_SUCCESS) };
}

/** A success's line: written only when LOG_SUCCESS covers it (its source or route, or the sample). */
export function logSuccess(fields: Record<string, unknown>, scope?: SuccessScope): void {
  if (wantsSuccess(current.logging, scope)) log(fields);
}

/** Whether a success of this scope gets a line: for callers that would build the line only then. */
export function successLogged(scope?: SuccessScope): boolean {
  return wantsSuccess(current.logging, scope);
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
