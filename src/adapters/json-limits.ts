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
 * The most objects, arrays and object members a provider's body may hold (issue 28.4). What a
 * body costs to parse, to read by name in any letter case and to serialize again grows with
 * them, not with its bytes: 1 MiB of 95,000 small keys took ~120 ms of CPU against ~15 ms for
 * 1 MiB of one long string. A batch of 1,000 Pix holds about 25,000; a body over this is
 * quarantined before it is parsed (docs/limits.md). Generic and Standard Webhooks sources,
 * whose payloads are the sender's own shape, are not held to it.
 */
export const MAX_JSON_NODES = 50_000;

export type JsonShapeProblem = "too_deep" | "too_many_nodes";

/**
 * What the JSON text says about its shape, before it is parsed: "too_deep" when an object or
 * array nests deeper than `maxDepth`, "too_many_nodes" when it holds more than `maxNodes`
 * objects, arrays and object members, else undefined. One pass over the text, no recursion:
 * brackets and colons inside strings (escapes included) do not count. Malformed text passes
 * here and is refused by `JSON.parse`.
 */
export function jsonShapeProblem(text: string, maxDepth: number, maxNodes: number): JsonShapeProblem | undefined {
  let depth = 0;
  let nodes = 0;
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
      if (depth > maxDepth) return "too_deep";
      if (++nodes > maxNodes) return "too_many_nodes";
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && ++nodes > maxNodes) return "too_many_nodes";
  }
  return undefined;
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
