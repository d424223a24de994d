import { secp256k1 } from "@noble/curves/secp256k1.js";

/** A secp256k1 key pair as Stark Bank holds one: the public key as the SPKI PEM its API answers. */
export interface StarkKey {
  secretKey: Uint8Array;
  publicKeyPem: string;
}

const SPKI_PREFIX = "3056301006072a8648ce3d020106052b8104000a034200";

export function starkKey(): StarkKey {
  const secretKey = secp256k1.utils.randomSecretKey();
  const point = secp256k1.getPublicKey(secretKey, false);
  const der = Uint8Array.from([...hexBytes(SPKI_PREFIX), ...point]);
  const base64 = btoa(String.fromCharCode(...der));
  return { secretKey, publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${base64.slice(0, 64)}\n${base64.slice(64)}\n-----END PUBLIC KEY-----` };
}

/** Signs the body as Stark Bank does: DER, base64; `highS` gives the other half of the pair, as Stark Bank's signer may. */
export async function starkSign(key: StarkKey, body: string | Uint8Array, highS = false): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const compact = secp256k1.sign(digest, key.secretKey, { prehash: false, lowS: true });
  let signature = secp256k1.Signature.fromBytes(compact, "compact");
  if (highS) signature = new secp256k1.Signature(signature.r, secp256k1.Point.Fn.ORDER - signature.s);
  const der = signature.toBytes("der");
  return btoa(String.fromCharCode(...der));
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)));
}
