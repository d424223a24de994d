import * as z from "zod";
import { sha256Hex } from "../bytes";
import { decodeUtf8, isObject, type JsonObject, type Read, readName } from "./read";

/**
 * Small readers the payment providers' adapters share: a zod schema applied leniently (the
 * provider adds fields; a missing one is a short reason), a form-encoded body read as JSON, and
 * a `<provider>.<resource>.<event>` type built from names bounded like every other type.
 */

/** The body read against `schema`: its first problem as a reason naming the field, never a value. */
export function readWith<T>(schema: z.ZodType<T>, value: unknown, what: string): Read<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? issue.path.join(".") : "the body";
  return { ok: false, reason: `${what}: ${path} is missing or not what the provider sends.` };
}

/** An id as providers send it: a string, or a number (Mercado Pago's ids are numbers in JSON). */
export const ProviderId = z.union([z.string().trim().min(1), z.number().int().nonnegative()]).transform(String);

/** `provider.resource.event`, each name in snake_case and bounded (see readName). */
export function providerType(provider: string, resource: string, event: string): Read<string> {
  const r = readName(resource, "The resource name");
  if (!r.ok) return r;
  const e = readName(event, "The event name");
  if (!e.ok) return e;
  return { ok: true, value: `${provider}.${r.value}.${e.value}` };
}

/**
 * A form-encoded body (`a=1&data[id]=X&data[status]=paid`) as a JSON object: plain keys as
 * strings, `name[key]` grouped under `name` (one level, as iugu and Pagar.me v4 send it); a
 * key sent twice keeps its last value. Undefined when the body is not UTF-8.
 */
export function readForm(body: Uint8Array): JsonObject | undefined {
  const text = decodeUtf8(body);
  if (text === undefined) return undefined;
  const out: JsonObject = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const open = key.indexOf("[");
    if (open > 0 && key.endsWith("]")) {
      const name = key.slice(0, open);
      const inner = key.slice(open + 1, -1);
      if (!isObject(out[name])) out[name] = Object.create(null) as JsonObject;
      (out[name] as JsonObject)[inner] = value;
    } else out[key] = value;
  }
  return out;
}

/** The first 16 hex digits of the body's SHA-256: tells two bodies apart, equal on a re-send. */
export async function contentHash(body: Uint8Array): Promise<string> {
  return (await sha256Hex(body)).slice(0, 16);
}

export function isFormContentType(contentType: string | null): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/x-www-form-urlencoded";
}
