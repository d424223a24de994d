import { utf8 } from "../bytes";

/**
 * The one comparison every secret goes through. Both sides are hashed first, so the
 * compared buffers always have the same length and neither length nor content leaks
 * through timing; workerd's `timingSafeEqual` then compares the digests.
 */
export async function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): Promise<boolean> {
  const [digestA, digestB] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(digestA, digestB);
}

function sha256(value: string | Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", typeof value === "string" ? utf8(value) : value);
}

/**
 * For a computed MAC against a presented one. A MAC's length is fixed by its algorithm and
 * public, so a length check reveals nothing; equal lengths are compared in constant time
 * directly, without hashing both sides again (the hot path of every signed request).
 */
export function timingSafeEqualMac(computed: Uint8Array, presented: Uint8Array): boolean {
  return computed.byteLength === presented.byteLength && crypto.subtle.timingSafeEqual(computed, presented);
}
