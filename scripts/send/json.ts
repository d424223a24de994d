/** Reading and changing the JSON bodies the simulator sends. */

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const each = (value: unknown): Json[] => (Array.isArray(value) ? value : [value]).filter(isObject);

export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Whether a `body.a.b` path is present in `body`. */
export function hasBodyPath(body: Json, path: string): boolean {
  let node: unknown = body;
  for (const key of path.split(".").slice(1)) {
    if (!isObject(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Sets a `body.a.b` path, creating the objects on the way. */
export function setBodyPath(body: Json, path: string | undefined, value: unknown): void {
  if (!path?.startsWith("body.")) return;
  const keys = path.split(".").slice(1);
  let node = body;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[keys[keys.length - 1]!] = value;
}
