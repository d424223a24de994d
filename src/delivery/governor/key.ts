import type { Envelope } from "../../envelope";

/** Longer key values are cut: two keys that share this much are then ordered together, which is safe. */
const MAX_KEY_CHARS = 256;

/**
 * The value an ordered route orders an envelope by: an attribute (`subject`) or a `data.` path
 * (`data.txid`, `data.items.0.id`), as text. Undefined when there is none (absent, empty, or
 * not a string, number or boolean): that envelope is delivered unordered and counted.
 * The path was checked when the config was read (config/governance.ts); walking it is linear.
 */
export function orderKeyOf(envelope: Envelope, key: string): string | undefined {
  let value: unknown;
  if (key.startsWith("data.")) {
    value = envelope.data;
    for (const name of key.split(".").slice(1)) {
      if (value === null || typeof value !== "object" || !Object.hasOwn(value, name)) return undefined;
      value = (value as Record<string, unknown>)[name];
    }
  } else {
    value = (envelope as Record<string, unknown>)[key];
  }
  if (typeof value === "number" && !Number.isFinite(value)) return undefined;
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return undefined;
  const text = String(value);
  return text === "" ? undefined : text.slice(0, MAX_KEY_CHARS);
}
