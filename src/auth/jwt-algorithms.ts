import { base64Decode, utf8 } from "../bytes";
import type { JwtAlgorithm } from "../config/schema";
import { createHmacSigner, type HmacHash } from "./hmac-signer";
import { timingSafeEqualMac } from "./timing-safe";

/** How one JWS `alg` maps onto WebCrypto, and which JWKs can carry its key. */
export interface JwsAlgorithm {
  alg: JwtAlgorithm;
  importParams: SubtleCryptoImportKeyAlgorithm;
  verifyParams: SubtleCryptoSignAlgorithm;
  kty: "oct" | "RSA" | "EC" | "OKP";
  crv?: string;
}

const SHA: Record<string, HmacHash> = { "256": "SHA-256", "384": "SHA-384", "512": "SHA-512" };

export function jwsAlgorithm(alg: JwtAlgorithm): JwsAlgorithm {
  const bits = alg.slice(2);
  const hash = SHA[bits] ?? "SHA-256";
  switch (alg) {
    case "HS256":
    case "HS384":
    case "HS512":
      return { alg, importParams: { name: "HMAC", hash }, verifyParams: { name: "HMAC" }, kty: "oct" };
    case "RS256":
    case "RS384":
    case "RS512":
      return { alg, importParams: { name: "RSASSA-PKCS1-v1_5", hash }, verifyParams: { name: "RSASSA-PKCS1-v1_5" }, kty: "RSA" };
    case "PS256":
    case "PS384":
    case "PS512":
      // RFC 7518 3.5: the salt is as long as the hash.
      return { alg, importParams: { name: "RSA-PSS", hash }, verifyParams: { name: "RSA-PSS", saltLength: Number(bits) / 8 }, kty: "RSA" };
    case "ES256":
    case "ES384": {
      const crv = `P-${bits}`;
      return { alg, importParams: { name: "ECDSA", namedCurve: crv }, verifyParams: { name: "ECDSA", hash }, kty: "EC", crv };
    }
    case "EdDSA":
      return { alg, importParams: { name: "Ed25519" }, verifyParams: { name: "Ed25519" }, kty: "OKP", crv: "Ed25519" };
  }
}

/** A verifier for one key: HMAC recomputes and compares constant-time, the others verify. */
export type SignatureCheck = (signature: Uint8Array, signingInput: Uint8Array) => Promise<boolean>;

export function hmacCheck(secret: string, algorithm: JwsAlgorithm): SignatureCheck {
  const sign = createHmacSigner(utf8(secret), algorithm.importParams.hash as HmacHash);
  return async (signature, signingInput) => timingSafeEqualMac(await sign(signingInput), signature);
}

export function publicKeyCheck(key: CryptoKey, algorithm: JwsAlgorithm): SignatureCheck {
  return async (signature, signingInput) => {
    try {
      return await crypto.subtle.verify(algorithm.verifyParams, key, signature, signingInput);
    } catch {
      return false; // e.g. an ECDSA signature of the wrong length
    }
  };
}

const PEM = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/;

/** The DER bytes of an SPKI PEM, or undefined when it is not one. */
export function spkiFromPem(pem: string): Uint8Array | undefined {
  const body = PEM.exec(pem.trim())?.[1];
  return body === undefined ? undefined : base64Decode(body.replace(/\s+/g, ""));
}

export async function importSpki(der: Uint8Array, algorithm: JwsAlgorithm): Promise<CryptoKey | undefined> {
  try {
    return await crypto.subtle.importKey("spki", der, algorithm.importParams, false, ["verify"]);
  } catch {
    return undefined;
  }
}

/** Imports a JWK from a key set when it can carry a key for `algorithm`, else undefined. */
export async function importJwk(jwk: JsonWebKey & { kid?: unknown }, algorithm: JwsAlgorithm): Promise<CryptoKey | undefined> {
  const usable =
    jwk.kty === algorithm.kty &&
    (algorithm.crv === undefined || jwk.crv === algorithm.crv) &&
    (jwk.alg === undefined || jwk.alg === algorithm.alg) &&
    (jwk.use === undefined || jwk.use === "sig");
  if (!usable) return undefined;
  try {
    return await crypto.subtle.importKey("jwk", jwk, algorithm.importParams, false, ["verify"]);
  } catch {
    return undefined;
  }
}
