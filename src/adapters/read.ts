import { base64Encode, sha256Hex, utf8, utf8Decode } from "../bytes";
import type { NotificationPayload } from "../envelope";
import { jsonShapeProblem, MAX_JSON_DEPTH, MAX_JSON_NODES } from "./json-limits";
import type { ProviderRequest } from "./types";

/**
 * The lenient readers every adapter shares. Providers send numbers where their documents say
 * strings and the reverse, vary the letter case of field names, and add fields: these helpers
 * accept all of that and return `undefined` for what is really not there.
 */

/** Seven days: longer than any provider's documented retry cycle, short enough to keep KV small. */
export const DEFAULT_DEDUP_TTL_SECONDS = 7 * 24 * 60 * 60;

export type JsonObject = Record<string, unknown>;

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A notification id as a KV key can hold it: one longer than 200 UTF-8 bytes becomes its SHA-256. */
export async function safeId(id: string): Promise<string> {
  return utf8(id).length > 200 ? sha256Hex(id) : id;
}

/** Strict UTF-8; a leading byte order mark is dropped. */
export const decodeUtf8 = utf8Decode;

export function isBlank(body: Uint8Array): boolean {
  return body.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
}

/**
 * The body parsed as JSON, within MAX_JSON_DEPTH levels and, unless `maxNodes` says otherwise,
 * MAX_JSON_NODES objects, arrays and members (both checked on the text, before parsing).
 */
export function parseJson(body: Uint8Array, maxNodes = MAX_JSON_NODES): Read<unknown> {
  if (isBlank(body)) return { ok: false, reason: "The body is empty." };
  const text = decodeUtf8(body);
  if (text === undefined) return { ok: false, reason: "The body is not valid UTF-8." };
  const problem = jsonShapeProblem(text, MAX_JSON_DEPTH, maxNodes);
  if (problem === "too_deep") return { ok: false, reason: `The body nests deeper than ${MAX_JSON_DEPTH} levels.` };
  if (problem === "too_many_nodes")
    return { ok: false, reason: `The body holds more than ${maxNodes} objects, arrays and members, more than any provider sends.` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "The body is not valid JSON." };
  }
}

/** The body as one JSON object: what every provider adapter but `generic` needs (bounds as parseJson). */
export function parseJsonObject(body: Uint8Array, maxNodes = MAX_JSON_NODES): Read<JsonObject> {
  const parsed = parseJson(body, maxNodes);
  if (!parsed.ok) return parsed;
  if (!isObject(parsed.value)) return { ok: false, reason: "The body is not a JSON object." };
  return { ok: true, value: parsed.value };
}

export function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/**
 * A body that is not JSON, kept with its content type: text when it is valid UTF-8, else bytes.
 * A missing content type is reported as what it is: text/plain or application/octet-stream.
 */
export function rawPayload(body: Uint8Array, contentType: string | null): NotificationPayload {
  const text = decodeUtf8(body);
  if (text !== undefined) return { kind: "text", contentType: contentType ?? "text/plain; charset=utf-8", text };
  return { kind: "binary", contentType: contentType ?? "application/octet-stream", base64: base64Encode(body) };
}

/**
 * The query parameters as an object, keys as sent. A key sent once maps to its string;
 * a key sent several times maps to the list of its values, in order, so nothing is lost.
 */
export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  // No prototype: keys like "constructor" or "__proto__" are data here, nothing inherited.
  const object: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of query) {
    const seen = Object.hasOwn(object, key) ? object[key] : undefined;
    if (seen === undefined) object[key] = value;
    else object[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return object;
}

/** The first value of a query parameter, whatever the letter case of its name. */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
  const exact = query.get(name);
  if (exact !== null) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A field of an object: the exact name first, then any letter case; `names` are tried in order.
 * The other cases are found through the object's keys folded to lower case, listed once per
 * object (`foldedKeys`): an absent name costs a lookup, not a pass over every key (an item of
 * 95,000 keys asked for ten absent names cost 200 ms).
 */
export function field(object: unknown, ...names: string[]): unknown {
  if (!isObject(object)) return undefined;
  for (const name of names) {
    if (Object.hasOwn(object, name)) return object[name];
    const key = foldedKey(object, name.toLowerCase());
    if (key !== undefined) return object[key];
  }
  return undefined;
}

/**
 * Each object's keys that hold a capital, by their lower case (the first in the object's order
 * wins). A key already in lower case needs no entry: it is found as written, and is taken
 * before the others. Objects are never changed once parsed, so the index stays true for the
 * object's life.
 */
const foldedKeys = new WeakMap<JsonObject, Map<string, string>>();

function foldedKey(object: JsonObject, lower: string): string | undefined {
  let folded = foldedKeys.get(object);
  if (folded === undefined) {
    folded = new Map();
    for (const key of Object.keys(object)) {
      const keyLower = key.toLowerCase();
      if (keyLower !== key && !folded.has(keyLower)) folded.set(keyLower, key);
    }
    foldedKeys.set(object, folded);
  }
  return Object.hasOwn(object, lower) ? lower : folded.get(lower);
}

/** The first of `names` (any letter case) whose value reads as a string (see `asString`). */
export function stringField(object: unknown, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = asString(field(object, name));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A string, or a finite number written out; trimmed; `undefined` when empty or anything else. */
export function asString(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** A finite number, or a string holding one in plain decimal ("100", "-1", " 12.5 "). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || !/^\s*[+-]?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/** One item or a list of them, as a list (`null` and absent are the empty list). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An event time for the envelope: only an ISO 8601 date-time that names its offset (or Z),
 * kept exactly as given. A date alone ("2024-09-05", BMP's "06-09-2024") or a local date-time
 * without offset does not say which instant it is, so it gives no time (the envelope then
 * carries the receipt time; the provider's value stays in `data`).
 */
export function asEventTime(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return RFC3339.test(trimmed) && !Number.isNaN(Date.parse(trimmed)) ? trimmed : undefined;
}

/**
 * The longest event or status name an adapter puts into a type. BS2's longest event name is 35
 * characters and Banco Central's statuses are shorter; a longer one is not a name but a
 * malformed (or hostile) payload, and the request goes to quarantine whole instead.
 */
export const MAX_NAME_LENGTH = 100;

/** A provider's event or status name, as the snake_case a type carries; refused when too long or empty. */
/** A name that may be absent (""), bounded and in snake_case like `readName`. */
export function optionalName(value: string | undefined, what: string): Read<string> {
  return value === undefined || value.trim() === "" ? { ok: true, value: "" } : readName(value, what);
}

export function readName(value: string, what: string): Read<string> {
  if (value.length > MAX_NAME_LENGTH) return { ok: false, reason: `${what} is longer than ${MAX_NAME_LENGTH} characters.` };
  const snake = toSnakeCase(value);
  return snake === "" ? { ok: false, reason: `${what} has no letters or digits.` } : { ok: true, value: snake };
}

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/**
 * "RecebimentoFinalizado", "tipoEvento", "EM_PROCESSAMENTO", "Acréscimo" → snake_case ASCII.
 * One pass over the text with one character of lookahead (no backtracking regular expression,
 * so linear in the input): a word starts at a capital after a lower-case letter or digit, and
 * at the last capital of a run followed by a lower-case letter ("PIXDevolucao" → pix_devolucao);
 * anything else than ASCII letters and digits separates words; accents are dropped.
 */
export function toSnakeCase(value: string): string {
  const text = value.normalize("NFD").replace(COMBINING_MARKS, "");
  const out: string[] = [];
  let previous: CharClass = "other";
  let separate = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const kind = charClass(c);
    if (kind === "other") {
      separate = out.length > 0;
      previous = kind;
      continue;
    }
    const wordStart =
      kind === "upper" && (previous === "lower" || previous === "digit" || (previous === "upper" && charClass(text.charCodeAt(i + 1)) === "lower"));
    if ((separate || wordStart) && out.length > 0) out.push("_");
    separate = false;
    out.push(kind === "upper" ? String.fromCharCode(c + 32) : text[i]!);
    previous = kind;
  }
  return out.join("");
}

type CharClass = "upper" | "lower" | "digit" | "other";

function charClass(c: number): CharClass {
  if (c >= 65 && c <= 90) return "upper";
  if (c >= 97 && c <= 122) return "lower";
  if (c >= 48 && c <= 57) return "digit";
  return "other";
}

/**
 * A value found by a configured path: `body.a.b` into the parsed JSON body (a number segment
 * also indexes a list), `query.name` (any letter case) or `headers.name`.
 */
export function lookupPath(request: ProviderRequest, body: unknown, path: string): unknown {
  const [root, ...segments] = path.split(".");
  if (root === "query") return queryParam(request.query, segments.join("."));
  if (root === "headers") return request.headers.get(segments.join(".")) ?? undefined;
  if (root !== "body") return undefined;
  let value: unknown = body;
  for (const segment of segments) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) value = value[Number(segment)];
    else value = field(value, segment);
    if (value === undefined) return undefined;
  }
  return value;
}
