import { type Schema, Validator } from "@cfworker/json-schema";
import * as z from "zod";

/**
 * A source's `"schema"` (docs/configuration.md): a JSON Schema its payloads must meet, for the
 * sources whose types are the sender's (generic, standard-webhooks). A payload that does not is
 * quarantined with the failing path instead of reaching a route. @cfworker/json-schema
 * interprets the schema (no code generation, which Workers forbid); one validator per schema
 * object, kept for the isolate's life like a route's filter.
 */

export const MAX_SOURCE_SCHEMA_BYTES = 64 * 1024;

export const SourceSchema = z
  .record(z.string(), z.unknown())
  .check((ctx) => {
    if (JSON.stringify(ctx.value).length > MAX_SOURCE_SCHEMA_BYTES) {
      ctx.issues.push({ code: "custom", message: `a schema is at most ${MAX_SOURCE_SCHEMA_BYTES} bytes of JSON`, input: undefined });
      return;
    }
    try {
      new Validator(ctx.value as Schema, "2020-12", true);
    } catch (error) {
      ctx.issues.push({ code: "custom", message: `not a JSON Schema: ${error instanceof Error ? error.message : String(error)}`, input: undefined });
    }
  })
  .describe(
    'generic and standard-webhooks only: a JSON Schema (draft 2020-12) every payload must meet, e.g. {"type": "object", "required": ["orderId"]}. A payload that does not is quarantined (or refused, with onInvalid "reject") with the failing path.',
  );

const validators = new WeakMap<object, Validator>();

/** Where and why the payload does not meet the schema, or undefined when it does. */
export function schemaProblem(schema: Record<string, unknown>, payload: unknown): string | undefined {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as Schema, "2020-12", true);
    validators.set(schema, validator);
  }
  const result = validator.validate(payload);
  if (result.valid) return undefined;
  // The deepest error says the most: the first ones only say which keyword held it.
  const last = result.errors.at(-1)!;
  return `${last.instanceLocation}: ${last.error}`.slice(0, 300);
}
