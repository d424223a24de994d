import { utf8Length } from "../bytes";
import { type NotificationPayload, payloadJson } from "../envelope";

/**
 * What a payload may be so that the gateway can keep it. Real payloads nest a few levels;
 * JSON nested some thousands deep parses but overflows the stack of `JSON.stringify` later,
 * and text of control characters grows six-fold when escaped. Either would fail every retry
 * with 503, so such a request is quarantined (its raw bytes stored, which always fits: see
 * MAX_BODY_BYTES_LIMIT) instead.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * KV takes values up to 25 MiB; a stored-aside envelope or a dead letter holds the payload
 * plus its attributes and attempts, so the payload's JSON stays 1 MiB below that.
 */
export const MAX_PAYLOAD_JSON_BYTES = 24 * 1024 * 1024;

/**
 * True when no object or array in the JSON text nests deeper than `max`. One pass over the
 * text, no recursion: brackets inside strings (escapes included) do not count. Malformed text
 * passes here and is refused by `JSON.parse`.
 */
export function nestsWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** Why the payload cannot be kept, or undefined when it can. */
export function unstorablePayload(payload: NotificationPayload): string | undefined {
  let json: string | undefined;
  try {
    // Kept with the payload: the envelope's JSON is made from it (../envelope.ts).
    json = payloadJson(payload);
  } catch (error) {
    return `The payload cannot be serialized (${error instanceof Error ? error.name : "error"}).`;
  }
  const size = json === undefined ? 0 : utf8Length(json);
  if (size > MAX_PAYLOAD_JSON_BYTES) return `The payload takes ${size} bytes as JSON, more than the ${MAX_PAYLOAD_JSON_BYTES} an envelope can be stored with.`;
  return undefined;
}
