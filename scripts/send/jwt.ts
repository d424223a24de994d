import { constants, createHmac, createPrivateKey, type KeyObject, sign } from "node:crypto";
import type { AuthRuleOf } from "../../src/config/schema";
import { SendError } from "./errors";

type JwtRule = AuthRuleOf<"jwt">;

const LIFETIME_S = 5 * 60;
/** The private key types each alg family signs with (EdDSA: Ed25519 only, as the gateway). */
const KEY_TYPES: Record<string, string[]> = { RS: ["rsa"], PS: ["rsa", "rsa-pss"], ES: ["ec"] };
const base64url = (data: string | Uint8Array) => Buffer.from(data).toString("base64url");

/**
 * A compact JWS as the provider would mint it for one call: `iat` now, `exp` 5 minutes later,
 * `iss`/`aud` from the rule. HS* sign with the rule's secret; every other alg needs the
 * provider's private key (`keyPem`, PKCS#8), since the gateway only holds the public half.
 */
export function signJwt(rule: JwtRule, now: Date, keyPem?: string): string {
  const iat = Math.floor(now.getTime() / 1000);
  const payload: Record<string, unknown> = { iat, exp: iat + LIFETIME_S };
  if (rule.issuer !== undefined) payload.iss = rule.issuer;
  if (rule.audience !== undefined) payload.aud = rule.audience;
  const signingInput = `${base64url(JSON.stringify({ alg: rule.alg, typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${base64url(signature(rule, signingInput, keyPem))}`;
}

function signature(rule: JwtRule, signingInput: string, keyPem?: string): Uint8Array {
  const hash = `sha${rule.alg.slice(2)}`;
  if (rule.alg.startsWith("HS")) {
    if (rule.secret === undefined) throw new SendError(`the ${rule.alg} rule has no secret`);
    return createHmac(hash, rule.secret).update(signingInput).digest();
  }
  if (keyPem === undefined) {
    throw new SendError(
      `this source takes ${rule.alg} JWTs: the gateway holds only the public key, so the simulator needs the ` +
        'provider\'s private key: --jwt-key PEM_FILE (PKCS#8, "-----BEGIN PRIVATE KEY-----")',
    );
  }
  const key = privateKey(keyPem);
  const wanted = KEY_TYPES[rule.alg.slice(0, 2)] ?? ["ed25519"];
  if (!wanted.includes(key.asymmetricKeyType ?? "")) {
    throw new SendError(`--jwt-key holds an ${key.asymmetricKeyType ?? "unknown"} key, and ${rule.alg} needs ${wanted.join(" or ")}`);
  }
  const data = Buffer.from(signingInput);
  if (rule.alg === "EdDSA") return sign(null, data, key);
  if (rule.alg.startsWith("PS")) {
    return sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(rule.alg.slice(2)) / 8 });
  }
  if (rule.alg.startsWith("ES")) return sign(hash, data, { key, dsaEncoding: "ieee-p1363" });
  return sign(hash, data, key);
}

function privateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new SendError(`--jwt-key: not a private key in PEM (${error instanceof Error ? error.message : "unreadable"})`);
  }
}
