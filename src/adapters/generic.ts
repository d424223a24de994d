import { sha256Hex } from "../bytes";
import type { NotificationPayload } from "../envelope";
import { asString, DEFAULT_DEDUP_TTL_SECONDS, isBlank, isJsonContentType, lookupPath, parseJson, queryObject, type Read, rawPayload, safeId } from "./read";
import type { Adapter, ProviderRequest } from "./types";

/**
 * Any provider, described by its source config: `idPath` and `typePath` ("body.a.b",
 * "query.name", "headers.name") say where the id and the type are, `eventType` is a fixed type.
 *
 * - A configured path that is absent from the request makes it unreadable (quarantine): the
 *   operator said the value is there, so a request without it is not what they configured.
 * - Without `idPath` the id is the SHA-256 of the body, or of the query string for a GET or an
 *   empty body (else every GET would share one id and all but the first would be dropped).
 * - Without `typePath` and `eventType` the type is `generic.event`.
 */
const DEFAULT_GENERIC_TYPE = "generic.event";

export const generic: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request, source) {
    const bodiless = request.method === "GET" || isBlank(request.body);
    const read = readPayload(request, bodiless);
    if (!read.ok) return read;
    const { payload, json } = read.value;

    let id: string;
    if (source.idPath !== undefined) {
      const value = asString(lookupPath(request, json, source.idPath));
      if (value === undefined) return { ok: false, reason: `The request has no value at ${source.idPath}.` };
      id = value;
    } else {
      id = await sha256Hex(bodiless ? request.query.toString() : request.body);
    }

    let type = source.eventType ?? DEFAULT_GENERIC_TYPE;
    if (source.typePath !== undefined) {
      const value = asString(lookupPath(request, json, source.typePath));
      if (value === undefined) return { ok: false, reason: `The request has no value at ${source.typePath}.` };
      type = value;
    }

    return { ok: true, notifications: [{ id: await safeId(id), type, payload }] };
  },
};

/**
 * The payload, and the JSON that `body.` paths read (undefined for a body that is not JSON).
 * A GET, or a request with an empty body, gives the query parameters as an object. A body whose
 * content type says JSON must parse. Any other body that parses to an object or a list is JSON
 * too: senders label JSON as text/plain (AWS SNS does) or not at all. Anything else keeps its
 * content type, as text or as bytes.
 */
function readPayload(request: ProviderRequest, bodiless: boolean): Read<{ payload: NotificationPayload; json: unknown }> {
  if (bodiless) {
    const query = queryObject(request.query);
    return { ok: true, value: { payload: { kind: "json", value: query }, json: undefined } };
  }
  const contentType = request.headers.get("content-type");
  // The sender's own shape: no bound on its objects and members (see MAX_JSON_NODES).
  const parsed = parseJson(request.body, Number.POSITIVE_INFINITY);
  const declared = contentType !== null && isJsonContentType(contentType);
  if (declared && !parsed.ok) return parsed;
  if (parsed.ok && (declared || (typeof parsed.value === "object" && parsed.value !== null))) {
    return { ok: true, value: { payload: { kind: "json", value: parsed.value }, json: parsed.value } };
  }
  return { ok: true, value: { payload: rawPayload(request.body, contentType), json: undefined } };
}
