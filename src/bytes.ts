/**
 * Bytes and their text encodings, written once for the whole gateway. Decoders return
 * undefined instead of throwing, so a caller can answer "malformed" without a try/catch.
 */

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

const ASCII = /^[\x00-\x7f]*$/;

/** The UTF-8 byte length of a string. An ASCII string's length is its byte count, so only others are encoded. */
export function utf8Length(text: string): number {
  return ASCII.test(text) ? text.length : encoder.encode(text).byteLength;
}

/** Strict: invalid UTF-8 is an error, not U+FFFD. One decoder, reused: decode() keeps no state. */
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

export function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

export function hexEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Either case is accepted: providers differ and hex carries no case information. */
export function hexDecode(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const high = hexValue(text.charCodeAt(2 * i));
    const low = hexValue(text.charCodeAt(2 * i + 1));
    if (high < 0 || low < 0) return undefined;
    out[i] = (high << 4) | low;
  }
  return out;
}

/** 0-15 for a hex digit's char code, -1 otherwise (no substring or parseInt per byte: it is on every HMAC check). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

export function base64Encode(bytes: Uint8Array): string {
  // In chunks of 4 KiB through `apply`, which takes the typed array as it is: one call per byte
  // is slow, and spreading a chunk (`...chunk`) walks its iterator, 40 ms for 1 MiB against 5.
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x1000) parts.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 0x1000) as unknown as number[]));
  return btoa(parts.join(""));
}

/** Standard alphabet; padding optional, no whitespace. */
export function base64Decode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  try {
    const binary = atob(text);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export function base64urlEncode(bytes: Uint8Array): string {
  return base64Encode(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** URL-safe alphabet; padding tolerated, since some senders keep it. */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) return undefined;
  return base64Decode(text.replace(/-/g, "+").replace(/_/g, "/"));
}

export async function sha256Hex(input: Uint8Array | string): Promise<string> {
  // Node's DOM typings (the scripts' and Node tests' typecheck) want an ArrayBuffer-backed view; every caller's is.
  const digest = await crypto.subtle.digest("SHA-256", (typeof input === "string" ? utf8(input) : input) as Uint8Array<ArrayBuffer>);
  return hexEncode(new Uint8Array(digest));
}
