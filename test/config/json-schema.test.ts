import { describe, expect, it } from "vitest";
import committed from "../../schema/config.schema.json";
import { configJsonSchema } from "../../scripts/lib/config-json-schema";

type Node = Record<string, unknown>;

/** Every object schema in the document, with its JSON pointer. */
function objectSchemas(node: unknown, pointer = "#"): { pointer: string; schema: Node }[] {
  if (typeof node !== "object" || node === null) return [];
  const found: { pointer: string; schema: Node }[] = [];
  const schema = node as Node;
  if (schema.type === "object") found.push({ pointer, schema });
  for (const [key, child] of Object.entries(schema)) {
    if (key === "default" || key === "const" || key === "enum") continue;
    found.push(...objectSchemas(child, `${pointer}/${key}`));
  }
  return found;
}

describe("schema/config.schema.json", () => {
  it("is what `npm run schema` generates from the zod config schema (run it after changing src/config/schema.ts)", () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it("closes every object, so an editor flags an unknown key as the gateway does", () => {
    const open = objectSchemas(configJsonSchema())
      .filter(({ schema }) => schema.additionalProperties === undefined || schema.additionalProperties === true)
      .map(({ pointer }) => pointer);
    expect(open).toEqual([]);
    expect(objectSchemas(configJsonSchema()).length).toBeGreaterThan(15);
  });

  it("describes every field, with its default where it has one", () => {
    const source = (configJsonSchema() as { properties: { sources: { additionalProperties: { properties: Record<string, Node> } } } }).properties.sources
      .additionalProperties.properties;
    const undescribed = Object.entries(source)
      .filter(([, field]) => typeof field.description !== "string")
      .map(([name]) => name);
    expect(undescribed).toEqual([]);
    expect(source.maxBodyBytes).toMatchObject({ default: 1_048_576 });
    expect(source.onInvalid).toMatchObject({ default: "quarantine", enum: ["quarantine", "reject"] });
    expect(source.dedupTtlSeconds!.description).toContain("604800");
  });

  it('lets any string field be a {"secret": "NAME"} reference, but not a source name', () => {
    const schema = configJsonSchema() as { properties: { sources: Node & { additionalProperties: Node } }; $defs: Node };
    const rules = (schema.properties.sources.additionalProperties as { properties: { auth: { items: { oneOf: { properties: Node }[] } } } }).properties.auth
      .items.oneOf;
    const basic = rules.find((rule) => (rule.properties.type as Node).const === "basic")!;
    expect((basic.properties.password as Node).anyOf).toEqual([{ type: "string", minLength: 1 }, { $ref: "#/$defs/secretReference" }]);
    expect(schema.$defs.secretReference).toMatchObject({ required: ["secret"], additionalProperties: false });
    expect(schema.properties.sources.propertyNames).toEqual({ type: "string", pattern: "^[a-z0-9-]{1,64}$" });
  });
});
