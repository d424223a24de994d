/**
 * `{"secret": "NAME"}` references: any string in the config may instead name a binding
 * (a wrangler secret) that holds the value. Resolution is a pure walk over plain JSON;
 * what is missing is reported by JSON path and secret name, never by value.
 */

import { nearest } from "./spelling";

export type SecretReader = (name: string) => unknown;

export interface MissingSecret {
  path: string;
  name: string;
}

export interface Resolved {
  value: unknown;
  missing: MissingSecret[];
  /** Objects that look like a misspelt reference (`{"secrte": "NAME"}`): path → the key as written. */
  nearMisses: Map<string, string>;
  /** Every secret name read, with the value found, so a cache can tell when they change. */
  used: Map<string, unknown>;
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A route's `filter` (a config route's, or an added route's own) is matched against payloads and
 * shown to the admin: a `{"secret": "NAME"}` in it is a literal, never resolved, so a filter can
 * neither reveal a secret nor probe one.
 */
const VERBATIM = /^(routes\[\d+\]\.)?filter$/;

export function isSecretRef(value: unknown): value is { secret: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "secret" && typeof (value as { secret: unknown }).secret === "string";
}

export function resolveSecrets(document: unknown, read: SecretReader): Resolved {
  const missing: MissingSecret[] = [];
  const used = new Map<string, unknown>();
  const nearMisses = new Map<string, string>();

  const walk = (node: unknown, path: string): unknown => {
    if (VERBATIM.test(path)) return node;
    if (isSecretRef(node)) {
      const name = node.secret;
      const value = SECRET_NAME.test(name) ? read(name) : undefined;
      used.set(name, value);
      if (typeof value !== "string" || value === "") {
        missing.push({ path, name });
        return undefined;
      }
      return value;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (typeof node === "object" && node !== null) {
      const key = misspeltReference(node);
      if (key !== undefined) nearMisses.set(path, key);
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, path ? `${path}.${key}` : key);
      return out;
    }
    return node;
  };

  return { value: walk(document, ""), missing, used, nearMisses };
}

/** The one key of `{"secrte": "NAME"}`: a string under a key within two edits of "secret". */
function misspeltReference(node: object): string | undefined {
  const entries = Object.entries(node);
  if (entries.length !== 1) return undefined;
  const [key, value] = entries[0]!;
  return typeof value === "string" && key !== "secret" && nearest(key, ["secret"]) ? key : undefined;
}
