import * as z from "zod";
import { utf8Length } from "../bytes";
import type { Envelope } from "../envelope";
import { compileTransform, MAX_TRANSFORM_LENGTH } from "./transform-compile";
import { VALUE_SIZE } from "./transform-size";

/**
 * Applying a route's transform (docs/transforms.md): the expression sees the envelope and its
 * result is the body the route receives. The filter decides, the transform shapes.
 *
 * A result is a body only when it is JSON: not empty (JSONata's "nothing matched"), no function,
 * no NaN or Infinity, at most MAX_RESULT_DEPTH deep and MAX_RESULT_BYTES serialized. Anything else is an error with a message, which the consumer keeps
 * as a `transform_failed` dead letter: a route never receives a silent empty body.
 */

/**
 * The largest body a transform may give, in UTF-8 bytes, and (counted while its result is checked,
 * before it is serialized) in size: characters plus VALUE_SIZE a value (./transform-size.ts).
 * Serializing and signing cost in proportion to the body, and an evaluation must stay within
 * about 10 ms of CPU on a 1 MiB envelope (bench/transform.ts): a route that wants the whole of a
 * large envelope takes no transform.
 */
export const MAX_RESULT_BYTES = 2 * 1024 * 1024;
export const MAX_RESULT_SIZE = 3 * 1024 * 1024;
export const MAX_RESULT_DEPTH = 64;

/** `body`: the JSON text sent and signed. */
export type TransformOutcome = { ok: true; body: string } | { ok: false; error: string };

/** The route's body for this envelope, as JSON text, or why there is none. Never throws. */
export async function applyTransform(expression: string, envelope: Envelope): Promise<TransformOutcome> {
  const compiled = compileTransform(expression);
  if (!compiled.ok) return { ok: false, error: `the transform does not parse at position ${compiled.position}: ${compiled.message}` };
  let result: unknown;
  try {
    result = await compiled.expression.evaluate(envelope);
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
  const problem = resultProblem(result);
  if (problem) return { ok: false, error: problem };
  const body = JSON.stringify(result);
  if (utf8Length(body) > MAX_RESULT_BYTES) return { ok: false, error: `the transform's result is over ${MAX_RESULT_BYTES} bytes` };
  return { ok: true, body };
}

function describeError(error: unknown): string {
  const { code, message, position } = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; message?: unknown; position?: unknown };
  const text = typeof message === "string" ? message : String(error);
  const at = typeof position === "number" ? ` at position ${position}` : "";
  return `the transform failed${at}${typeof code === "string" ? ` (${code})` : ""}: ${text}`.slice(0, 500);
}

type Pending = { value: unknown; depth: number; parent?: Pending; key?: string | number };

/**
 * Why the result cannot be sent as JSON, or undefined when it can. Iterative, and it stops at
 * MAX_RESULT_SIZE: a result of shared references (`[$$, $$, $$]`, or a tree that doubles at
 * each level) is not walked for the size it stands for.
 */
export function resultProblem(result: unknown): string | undefined {
  if (result === undefined) return "the transform's result is empty (nothing matched)";
  const pending: Pending[] = [{ value: result, depth: 1 }];
  let size = 0;
  while (pending.length > 0) {
    const entry = pending.pop()!;
    const { value, depth } = entry;
    size += VALUE_SIZE + (typeof entry.key === "string" ? entry.key.length : 0) + (typeof value === "string" ? value.length : 0);
    if (size > MAX_RESULT_SIZE) return `the transform's result is over ${MAX_RESULT_BYTES} bytes`;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return `the transform's result is not JSON: ${pathOf(entry)} is ${value}`;
      continue;
    }
    if (value === undefined) return `the transform's result is not JSON: ${pathOf(entry)} is empty`;
    if (typeof value !== "object" || isLambda(value)) return `the transform's result is not JSON: ${pathOf(entry)} is a function`;
    if (depth > MAX_RESULT_DEPTH) return `the transform's result nests deeper than ${MAX_RESULT_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) pending.push({ value: value[i], depth: depth + 1, parent: entry, key: i });
    } else {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        // JSON.stringify leaves an undefined property out; a field that found nothing is simply absent.
        if (item !== undefined) pending.push({ value: item, depth: depth + 1, parent: entry, key });
      }
    }
  }
  return undefined;
}

/** `$.a[0]`: made only for the message, so a large result's walk builds no paths. */
function pathOf(entry: Pending): string {
  const keys: (string | number)[] = [];
  for (let at: Pending | undefined = entry; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return `$${keys
    .reverse()
    .map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`))
    .join("")}`;
}

function isLambda(value: object): boolean {
  const marked = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marked._jsonata_lambda === true || marked._jsonata_function === true || typeof value === "function";
}

/** The route field: a JSONata expression that parses and uses nothing refused (./transform-compile.ts). */
export const RouteTransform = z
  .string()
  .max(MAX_TRANSFORM_LENGTH)
  .check((ctx) => {
    const compiled = compileTransform(ctx.value);
    if (!compiled.ok) ctx.issues.push({ code: "custom", message: `position ${compiled.position}: ${compiled.message}`, input: undefined });
  })
  .describe(
    'The body this route receives: a JSONata expression over the envelope, e.g. {"boleto": data.NossoNumero, "paidAt": time}. Its JSON result is sent (application/json), signed like the envelope would be, with the same webhook-id. Not for GET routes.',
  );

/** A route's transform needs an envelope's body to shape: GET sends none, and a slack route sends its summary line. */
export function transformRouteProblem(route: { method: string; format: string; transform?: string }): string | undefined {
  if (route.transform === undefined) return undefined;
  if (route.method === "GET") return "transform: a GET route sends no body, so it cannot have a transform";
  if (route.format !== "cloudevents") return `transform: a "${route.format}" route sends its own summary; a transform needs "format": "cloudevents"`;
  return undefined;
}
