import { base64urlDecode, utf8, utf8Decode } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { type Credential, readHeader, readSchemeCredential } from "./credentials";
import { createJwksKeySource, type KeySource } from "./jwks";
import { hmacCheck, importSpki, type JwsAlgorithm, jwsAlgorithm, publicKeyCheck, type SignatureCheck, spkiFromPem } from "./jwt-algorithms";
import { fail, PASS } from "./outcome";
import type { AuthDeps, Authenticator, AuthOutcome } from "./types";

type JwtRule = AuthRuleOf<"jwt">;

const SKEW_S = 60;

interface Jws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/**
 * A compact JWS whose `alg` is pinned by the rule: a token naming any other alg (`none`, or
 * HS256 signed with an RSA public key as the secret) fails before any key is touched.
 */
export function createJwtAuthenticator(rule: JwtRule, deps?: AuthDeps): Authenticator {
  const algorithm = jwsAlgorithm(rule.alg);
  const keySource = createKeySource(rule, algorithm, deps);
  const bearer = rule.header.toLowerCase() === "authorization";

  return async (request) => {
    const credential: Credential = bearer ? readSchemeCredential(request.headers, "Bearer") : readHeader(request.headers, rule.header);
    if (!credential.ok) return fail(credential.reason);
    const jws = parseJws(credential.value.trim());
    if (!jws) return fail("malformed");
    if (jws.header.alg !== rule.alg) return fail("mismatch");
    if (jws.header.crit !== undefined) return fail("malformed"); // no extension is understood

    const kid = typeof jws.header.kid === "string" ? jws.header.kid : undefined;
    const checks = await keySource(kid, request.now);
    if (checks === "unavailable") return fail("key_unavailable");
    if (checks.length === 0) return fail("unknown_key");
    let verified = false;
    for (const check of checks) {
      if (await check(jws.signature, jws.signingInput)) {
        verified = true;
        break;
      }
    }
    return verified ? checkClaims(jws.payload, rule, request.now) : fail("mismatch");
  };
}

function createKeySource(rule: JwtRule, algorithm: JwsAlgorithm, deps?: AuthDeps): KeySource {
  if (rule.secret !== undefined) {
    if (algorithm.kty !== "oct") throw new Error(`jwt rule: ${rule.alg} does not take a secret`);
    const checks = [hmacCheck(rule.secret, algorithm)];
    return async () => checks;
  }
  if (algorithm.kty === "oct") throw new Error(`jwt rule: ${rule.alg} needs a secret`);
  if (rule.publicKeyPem !== undefined) {
    const der = spkiFromPem(rule.publicKeyPem);
    if (!der) throw new Error('jwt rule: publicKeyPem must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----")');
    let checks: Promise<SignatureCheck[]> | undefined;
    return () => {
      checks ??= importSpki(der, algorithm).then((key) => {
        if (!key) throw new Error(`jwt rule: publicKeyPem cannot be used as a ${rule.alg} key`);
        return [publicKeyCheck(key, algorithm)];
      });
      return checks;
    };
  }
  if (rule.jwksUrl !== undefined) return createJwksKeySource(rule.jwksUrl, algorithm, deps?.fetch ?? fetch);
  throw new Error("jwt rule: needs one of secret, publicKeyPem, jwksUrl");
}

function parseJws(token: string): Jws | undefined {
  const segments = token.split(".");
  if (segments.length !== 3) return undefined;
  const [headerPart = "", payloadPart = "", signaturePart = ""] = segments;
  const header = decodeJsonObject(headerPart);
  const payload = decodeJsonObject(payloadPart);
  const signature = base64urlDecode(signaturePart);
  if (!header || !payload || !signature) return undefined;
  return { header, payload, signature, signingInput: utf8(`${headerPart}.${payloadPart}`) };
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const bytes = base64urlDecode(segment);
  const text = bytes && utf8Decode(bytes);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Only after the signature held: exp/nbf with skew, then issuer and audience when configured.
 * A token without `exp` would be good forever: it is refused, unless the rule sets
 * `maxTokenAgeSeconds`, and then its `iat` must say it was issued that recently.
 */
function checkClaims(payload: Record<string, unknown>, rule: JwtRule, now: number): AuthOutcome {
  const { exp, nbf, iat, iss, aud } = payload;
  for (const claim of [exp, nbf, iat]) if (claim !== undefined && typeof claim !== "number") return fail("malformed");
  const seconds = now / 1000;
  if (typeof exp === "number" && seconds >= exp + SKEW_S) return fail("expired");
  if (typeof nbf === "number" && seconds < nbf - SKEW_S) return fail("expired");
  if (rule.maxTokenAgeSeconds === undefined) {
    if (exp === undefined) return fail("expired");
  } else {
    if (typeof iat !== "number") return fail("expired");
    if (iat > seconds + SKEW_S || seconds - iat > rule.maxTokenAgeSeconds + SKEW_S) return fail("expired");
  }
  if (rule.issuer !== undefined && iss !== rule.issuer) return fail("claims");
  if (rule.audience !== undefined) {
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(rule.audience)) return fail("claims");
  }
  return PASS;
}
