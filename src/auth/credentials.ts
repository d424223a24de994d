/** Reading a credential out of a header, shared by the schemes that use one. */

export type Credential = { ok: true; value: string } | { ok: false; reason: "missing" | "malformed" };

/** `<scheme> <credentials>` in `header`; the scheme name is case-insensitive (RFC 9110 11.1). */
export function readSchemeCredential(headers: Headers, scheme: string, header = "Authorization"): Credential {
  const value = headers.get(header);
  if (value === null || value === "") return { ok: false, reason: "missing" };
  const match = /^([^\s]+) +([^\s].*)$/.exec(value);
  if (!match || match[1]?.toLowerCase() !== scheme.toLowerCase()) return { ok: false, reason: "malformed" };
  return { ok: true, value: match[2] ?? "" };
}

/** The whole value of `header`; an empty header counts as missing. */
export function readHeader(headers: Headers, header: string): Credential {
  const value = headers.get(header);
  return value === null || value === "" ? { ok: false, reason: "missing" } : { ok: true, value };
}

/**
 * `value` without `prefix`, or undefined when it does not start with it. Case-insensitive:
 * prefixes are scheme labels ("HMAC ", "sha256="), never secret, and senders vary their case.
 */
export function stripPrefix(value: string, prefix: string): string | undefined {
  if (value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
  return value.slice(prefix.length);
}
