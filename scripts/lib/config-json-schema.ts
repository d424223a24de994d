/**
 * The JSON Schema of a config file, generated from the zod schema that validates it
 * (`z.toJSONSchema`), for editors: `"$schema": "./schema/config.schema.json"` in a config
 * gives completion, descriptions, defaults and checks. `npm run schema` writes it and a test
 * keeps the committed file in sync. Pure, so the test runs it inside workerd.
 *
 * The gateway validates a config after `{"secret": "NAME"}` references were resolved, so the
 * zod schema sees plain strings. A file holds the references: every string may be one.
 */
import * as z from "zod";
import { GatewayConfig } from "../../src/config/schema";

export const SCHEMA_FILE = "schema/config.schema.json";

const SECRET_REFERENCE = {
  type: "object",
  description: "Read the value from the binding (a wrangler secret, or a line of .dev.vars) of this name.",
  properties: { secret: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } },
  required: ["secret"],
  additionalProperties: false,
};

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GatewayConfig, {
    io: "input",
    override: ({ zodSchema, jsonSchema, path }) => {
      if (zodSchema._zod.def.type !== "string" || path.includes("propertyNames") || path.at(-1) === "$schema") return;
      const { description, default: fallback, ...plain } = jsonSchema;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
      Object.assign(jsonSchema, {
        ...(description !== undefined && { description }),
        ...(fallback !== undefined && { default: fallback }),
        anyOf: [plain, { $ref: "#/$defs/secretReference" }],
      });
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    title: "hookgate config",
    $defs: { ...(schema.$defs as object | undefined), secretReference: SECRET_REFERENCE },
  };
}

/** The file's exact text: two-space JSON and a final newline, as Biome formats it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
