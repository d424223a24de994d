import { toBytes } from "../bytes";

export type HmacHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/**
 * An HMAC function over one secret. The key is imported on first use and the promise kept,
 * so each request only signs. Callers compare the result with `timingSafeEqual`.
 */
export function createHmacSigner(secret: Uint8Array, hash: HmacHash): (data: Uint8Array) => Promise<Uint8Array> {
  let key: Promise<CryptoKey> | undefined;
  return async (data) => {
    key ??= crypto.subtle.importKey("raw", secret, { name: "HMAC", hash }, false, ["sign"]);
    return toBytes(await crypto.subtle.sign("HMAC", await key, data));
  };
}
