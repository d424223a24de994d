import { base64Encode, base64urlEncode } from "../../src/bytes";
import type { JwtAlgorithm } from "../../src/config/schema";

const json = (value: unknown) => base64urlEncode(new TextEncoder().encode(JSON.stringify(value)));

const HASH = (alg: string) => `SHA-${alg.slice(2)}`;

export function keyParams(alg: JwtAlgorithm): { generate: SubtleCryptoGenerateKeyAlgorithm; sign: SubtleCryptoSignAlgorithm } {
  const rsa = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: HASH(alg) };
  switch (alg.slice(0, 2)) {
    case "RS":
      return { generate: { name: "RSASSA-PKCS1-v1_5", ...rsa }, sign: { name: "RSASSA-PKCS1-v1_5" } };
    case "PS":
      return { generate: { name: "RSA-PSS", ...rsa }, sign: { name: "RSA-PSS", saltLength: Number(alg.slice(2)) / 8 } };
    case "ES":
      return { generate: { name: "ECDSA", namedCurve: `P-${alg.slice(2)}` }, sign: { name: "ECDSA", hash: HASH(alg) } };
    default:
      return { generate: { name: "Ed25519" }, sign: { name: "Ed25519" } };
  }
}

export async function generateKeyPair(alg: JwtAlgorithm): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(keyParams(alg).generate, true, ["sign", "verify"])) as CryptoKeyPair;
}

export async function publicKeyPem(key: CryptoKey): Promise<string> {
  const der = new Uint8Array((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
  const lines = base64Encode(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join("\n")}\n-----END PUBLIC KEY-----\n`;
}

export async function publicJwk(key: CryptoKey, extra: Record<string, unknown> = {}): Promise<JsonWebKey> {
  return { ...((await crypto.subtle.exportKey("jwk", key)) as JsonWebKey), ...extra };
}

/** Signs header.payload for real; `secret` means an HS* MAC over the given bytes or text. */
export async function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: CryptoKey | string | Uint8Array): Promise<string> {
  const input = `${json({ typ: "JWT", ...header })}.${json(payload)}`;
  const data = new TextEncoder().encode(input);
  const alg = String(header.alg);
  let signature: ArrayBuffer;
  if (typeof key === "string" || key instanceof Uint8Array) {
    const raw = typeof key === "string" ? new TextEncoder().encode(key) : key;
    const hmacKey = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: HASH(alg) }, false, ["sign"]);
    signature = await crypto.subtle.sign("HMAC", hmacKey, data);
  } else {
    signature = await crypto.subtle.sign(keyParams(alg as JwtAlgorithm).sign, key, data);
  }
  return `${input}.${base64urlEncode(new Uint8Array(signature))}`;
}

/** `alg: "none"`: header and payload with an empty signature. */
export function unsignedJwt(payload: Record<string, unknown>): string {
  return `${json({ typ: "JWT", alg: "none" })}.${json(payload)}.`;
}
