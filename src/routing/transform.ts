import * as z from "zod";
import { utf8Length } from "../bytes";
import type { Envelope } from "../envelope";
import { compileTransform, MAX_TRANSFORM_LENGTH } from "./transform-compile";

/**
 * Applying a route's transform (docs/transforms.md): the expression sees the envelope and its
 * result is the body the route receives. The filter decides, the transform shapes.
 *
 * A result is a body only when it is JSON: not empty (JSONata's "nothing matched"), no function,
 * no NaN or Infinity, at most MAX_RESULT_DEPTH deep, MAX_RESULT_VALUES values and
 * MAX_RESULT_BYTES serialized. Anything else is an error with a message, which the consumer keeps
 * as a `transform_failed` dead letter: a route never receives a silent empty body.
 */

/** The largest payload the gateway keeps (adapters/json-limits.ts): a delivery is never larger than an envelope may be. */
export const MAX_RESULT_BYTES = 24 * 1024 * 1024;
export const MAX_RESULT_DEPTH = 64;
/** Values a result may hold: a result built from shared references could otherwise stand for 2^40 of them. */
export const MAX_RESULT_VALUES = 1_000_000;

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

/** Why the result cannot be sent as JSON, or undefined when it can. Iterative and counted: a shared-reference tree stops at the bound. */
export function resultProblem(result: unknown): string | undefined {
  if (result === undefined) return "the transform's result is empty (nothing matched)";
  const pending: { value: unknown; depth: number; path: string }[] = [{ value: result, depth: 1, path: "$" }];
  let values = 0;
  while (pending.length > 0) {
    const { value, depth, path } = pending.pop()!;
    values += 1;
    if (values > MAX_RESULT_VALUES) return `the transform's result holds more than ${MAX_RESULT_VALUES} values`;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return `the transform's result is not JSON: ${path} is ${value}`;
      continue;
    }
    if (value === undefined) return `the transform's result is not JSON: ${path} is empty`;
    if (typeof value !== "object" || isLambda(value)) return `the transform's result is not JSON: ${path} is a function`;
    if (depth > MAX_RESULT_DEPTH) return `the transform's result nests deeper than ${MAX_RESULT_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) pending.push({ value: value[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      for (const [key, item] of Object.entries(value)) {
        // JSON.stringify leaves an undefined property out; a field that found nothing is simply absent.
        if (item !== undefined) pending.push({ value: item, depth: depth + 1, path: `${path}.${key}` });
      }
    }
  }
  return undefined;
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
