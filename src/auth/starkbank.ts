import { secp256k1 } from "@noble/curves/secp256k1.js";
import { base64Decode, toBytes } from "../bytes";
import { childrenOf, contentOf, decodeOid, readElement, Tag } from "../certificates/der";
import type { AuthRuleOf } from "../config/schema";
import { spkiFromPem } from "./jwt-algorithms";
import { fail, PASS } from "./outcome";
import type { Authenticator } from "./types";

/**
 * Stark Bank's `Digital-Signature`: base64 of a DER ECDSA signature, on secp256k1 with SHA-256,
 * of the raw body, by Stark Bank's private key; checked against its public key pinned in the rule
 * (what `GET /v2/public-key` answers; sandbox and production differ).
 *
 * - WebCrypto has no secp256k1, so the check is `@noble/curves` (audited, no dependencies);
 *   never `starkbank-ecdsa`, whose verifier accepts forged signatures (GHSA-xx36-6rv4-gj8r).
 * - Stark Bank's signer does not normalize S: its SDKs' own example event carries a high-S
 *   signature. Both halves are accepted (`lowS: false`); malleability does not matter here, a
 *   signature is not an id.
 * - The body is covered whole, but no timestamp: a captured event can be sent again, which dedup
 *   on `event.id` absorbs.
 */
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const SECP256K1 = "1.3.132.0.10";

export function createStarkBankAuthenticator(rule: AuthRuleOf<"starkbank">): Authenticator {
  const publicKey = secp256k1PointFromPem(rule.publicKey);

  return async (request) => {
    const header = request.headers.get("digital-signature");
    if (header === null || header.trim() === "") return fail("missing");
    const signature = base64Decode(header.trim());
    if (!signature) return fail("malformed");
    const digest = toBytes(await crypto.subtle.digest("SHA-256", request.body));
    try {
      return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: false, format: "der" }) ? PASS : fail("mismatch");
    } catch {
      return fail("malformed"); // not DER, or r/s out of range
    }
  };
}

/** The uncompressed or compressed point of a secp256k1 SPKI PEM; throws (a config error) for anything else. */
export function secp256k1PointFromPem(pem: string): Uint8Array {
  const der = spkiFromPem(pem);
  if (!der) throw new Error("starkbank rule: publicKey must be a PEM public key");
  try {
    const spki = readElement(der, 0);
    const [algorithm, bits] = childrenOf(der, spki);
    if (!algorithm || !bits || bits.tag !== Tag.BIT_STRING) throw new Error();
    const oids = childrenOf(der, algorithm).map((element) => (element.tag === Tag.OID ? decodeOid(contentOf(der, element)) : null));
    if (oids[0] !== EC_PUBLIC_KEY || oids[1] !== SECP256K1) throw new Error();
    const content = contentOf(der, bits);
    if (content[0] !== 0) throw new Error(); // no unused bits
    const point = content.subarray(1);
    secp256k1.Point.fromBytes(point); // on the curve
    return point;
  } catch {
    throw new Error("starkbank rule: publicKey must be a secp256k1 public key (Stark Bank's)");
  }
}
