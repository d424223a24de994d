import { beforeAll, describe, expect, it } from "vitest";
import { createJwtAuthenticator } from "../../src/auth/jwt";
import { base64urlEncode } from "../../src/bytes";
import { type JwtAlgorithm, JwtRule } from "../../src/config/schema";
import { authRequest, failure, PASSED } from "./helpers";
import { generateKeyPair, publicKeyPem, signJwt, unsignedJwt } from "./jwt-helpers";

const NOW = Date.UTC(2025, 5, 1);
const NOW_S = NOW / 1000;
const SECRET = "jwt-shared-secret-that-is-long-enough-for-hs512-0123456789abcdef";

const rule = (fields: Record<string, unknown>) => JwtRule.parse({ type: "jwt", ...fields });
const bearer = (token: string) => authRequest({ headers: { Authorization: `Bearer ${token}` }, now: NOW });
const claims = (extra: Record<string, unknown> = {}) => ({ sub: "provider", exp: NOW_S + 300, ...extra });

describe("jwt with a shared secret", () => {
  it.each(["HS256", "HS384", "HS512"] as const)("accepts %s signed with the secret, rejects another secret", async (alg) => {
    const authenticate = createJwtAuthenticator(rule({ alg, secret: SECRET }));
    expect(await authenticate(bearer(await signJwt({ alg }, claims(), SECRET)))).toEqual(PASSED);
    expect(await authenticate(bearer(await signJwt({ alg }, claims(), `${SECRET}x`)))).toEqual(failure("mismatch"));
  });

  it("rejects a token for another HS size, since the alg is pinned", async () => {
    const authenticate = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET }));
    expect(await authenticate(bearer(await signJwt({ alg: "HS512" }, claims(), SECRET)))).toEqual(failure("mismatch"));
  });

  it("rejects a payload changed after signing", async () => {
    const authenticate = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET }));
    const [header, , signature] = (await signJwt({ alg: "HS256" }, claims(), SECRET)).split(".");
    const forged = base64urlEncode(new TextEncoder().encode(JSON.stringify(claims({ sub: "admin" }))));
    expect(await authenticate(bearer(`${header}.${forged}.${signature}`))).toEqual(failure("mismatch"));
  });
});

describe.each(["RS256", "PS256", "ES256", "ES384", "EdDSA"] as const)("jwt %s with a public key PEM", (alg: JwtAlgorithm) => {
  let keys: CryptoKeyPair;
  let other: CryptoKeyPair;
  let authenticate: ReturnType<typeof createJwtAuthenticator>;
  beforeAll(async () => {
    [keys, other] = await Promise.all([generateKeyPair(alg), generateKeyPair(alg)]);
    authenticate = createJwtAuthenticator(rule({ alg, publicKeyPem: await publicKeyPem(keys.publicKey) }));
  });

  it("accepts a token signed with the private key", async () => {
    expect(await authenticate(bearer(await signJwt({ alg }, claims(), keys.privateKey)))).toEqual(PASSED);
  });

  it("rejects a token signed with another key", async () => {
    expect(await authenticate(bearer(await signJwt({ alg }, claims(), other.privateKey)))).toEqual(failure("mismatch"));
  });
});

describe("jwt alg pinning", () => {
  let rsa: CryptoKeyPair;
  let pem: string;
  let authenticate: ReturnType<typeof createJwtAuthenticator>;
  beforeAll(async () => {
    rsa = await generateKeyPair("RS256");
    pem = await publicKeyPem(rsa.publicKey);
    authenticate = createJwtAuthenticator(rule({ alg: "RS256", publicKeyPem: pem }));
  });

  it("rejects HS256 signed with the RSA public key PEM as the secret", async () => {
    expect(await authenticate(bearer(await signJwt({ alg: "HS256" }, claims(), pem)))).toEqual(failure("mismatch"));
  });

  it('rejects alg "none" with an empty signature', async () => {
    expect(await authenticate(bearer(unsignedJwt(claims())))).toEqual(failure("mismatch"));
    const hs = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET }));
    expect(await hs(bearer(unsignedJwt(claims())))).toEqual(failure("mismatch"));
  });

  it("rejects a header naming RS384 even when the signature is a valid RS256 one", async () => {
    // The key pair was generated for SHA-256, so this signature really is RS256.
    expect(await authenticate(bearer(await signJwt({ alg: "RS384" }, claims(), rsa.privateKey)))).toEqual(failure("mismatch"));
  });

  it("rejects a header with a crit extension it does not understand", async () => {
    const token = await signJwt({ alg: "RS256", crit: ["b64"], b64: false }, claims(), rsa.privateKey);
    expect(await authenticate(bearer(token))).toEqual(failure("malformed"));
  });

  it("fails as a config problem, not a 401, when the PEM holds a key of another type", async () => {
    const ec = await generateKeyPair("ES256");
    const mismatched = createJwtAuthenticator(rule({ alg: "RS256", publicKeyPem: await publicKeyPem(ec.publicKey) }));
    await expect(mismatched(bearer(await signJwt({ alg: "RS256" }, claims(), rsa.privateKey)))).rejects.toThrow("publicKeyPem cannot be used as a RS256 key");
  });

  it("refuses a PEM that is not an SPKI public key when the rule is created", () => {
    expect(() => createJwtAuthenticator(rule({ alg: "RS256", publicKeyPem: "-----BEGIN RSA PUBLIC KEY-----\nAA==\n-----END RSA PUBLIC KEY-----" }))).toThrow(
      /SPKI/,
    );
  });
});

describe("jwt token reading", () => {
  const authenticate = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET }));

  it("answers missing without a header and malformed for another scheme or a broken token", async () => {
    expect(await authenticate(authRequest({ now: NOW }))).toEqual(failure("missing"));
    const token = await signJwt({ alg: "HS256" }, claims(), SECRET);
    expect(await authenticate(authRequest({ headers: { Authorization: `Basic ${token}` }, now: NOW }))).toEqual(failure("malformed"));
    expect(await authenticate(bearer(token.split(".").slice(0, 2).join(".")))).toEqual(failure("malformed"));
    expect(await authenticate(bearer(`${token}.extra`))).toEqual(failure("malformed"));
    expect(await authenticate(bearer(`not-json.${token.split(".").slice(1).join(".")}`))).toEqual(failure("malformed"));
  });

  it("reads the raw token from a configured header", async () => {
    const custom = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET, header: "X-Provider-Token" }));
    const token = await signJwt({ alg: "HS256" }, claims(), SECRET);
    expect(await custom(authRequest({ headers: { "x-provider-token": token }, now: NOW }))).toEqual(PASSED);
    expect(await custom(bearer(token))).toEqual(failure("missing"));
  });
});

describe("jwt claims", () => {
  const authenticate = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET, issuer: "https://idp.example", audience: "hookgate" }));
  const token = (payload: Record<string, unknown>) => signJwt({ alg: "HS256" }, payload, SECRET);
  const good = { iss: "https://idp.example", aud: "hookgate", exp: NOW_S + 300 };

  it("allows 60 s of skew on exp and nbf, not more", async () => {
    expect(await authenticate(bearer(await token({ ...good, exp: NOW_S - 59 })))).toEqual(PASSED);
    expect(await authenticate(bearer(await token({ ...good, exp: NOW_S - 61 })))).toEqual(failure("expired"));
    expect(await authenticate(bearer(await token({ ...good, nbf: NOW_S + 59 })))).toEqual(PASSED);
    expect(await authenticate(bearer(await token({ ...good, nbf: NOW_S + 61 })))).toEqual(failure("expired"));
  });

  it("answers malformed for an exp that is not a number", async () => {
    expect(await authenticate(bearer(await token({ ...good, exp: String(NOW_S + 300) })))).toEqual(failure("malformed"));
  });

  it("requires the configured issuer", async () => {
    expect(await authenticate(bearer(await token({ ...good, iss: "https://evil.example" })))).toEqual(failure("claims"));
    expect(await authenticate(bearer(await token({ aud: "hookgate", exp: good.exp })))).toEqual(failure("claims"));
  });

  it("requires the configured audience, as a string or in an array", async () => {
    expect(await authenticate(bearer(await token({ ...good, aud: ["other", "hookgate"] })))).toEqual(PASSED);
    expect(await authenticate(bearer(await token({ ...good, aud: ["other"] })))).toEqual(failure("claims"));
    expect(await authenticate(bearer(await token({ ...good, aud: "hookgate-staging" })))).toEqual(failure("claims"));
    expect(await authenticate(bearer(await token({ iss: good.iss, exp: good.exp })))).toEqual(failure("claims"));
  });

  it("checks no issuer or audience when none is configured", async () => {
    const open = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET }));
    expect(await open(bearer(await token({ iss: "anyone", aud: "anything", exp: good.exp })))).toEqual(PASSED);
  });

  it("refuses a token without exp, which would be good forever", async () => {
    const { exp: _exp, ...forever } = good;
    expect(await authenticate(bearer(await token(forever)))).toEqual(failure("expired"));
    expect(await authenticate(bearer(await token({ ...forever, iat: NOW_S })))).toEqual(failure("expired"));
  });

  it("takes a token without exp when the rule sets maxTokenAgeSeconds and iat is that recent", async () => {
    const aged = createJwtAuthenticator(rule({ alg: "HS256", secret: SECRET, maxTokenAgeSeconds: 300 }));
    expect(await aged(bearer(await token({ iat: NOW_S - 300 })))).toEqual(PASSED);
    expect(await aged(bearer(await token({ iat: NOW_S - 361 })))).toEqual(failure("expired"));
    expect(await aged(bearer(await token({ iat: NOW_S + 61 })))).toEqual(failure("expired"));
    expect(await aged(bearer(await token({})))).toEqual(failure("expired"));
    expect(await aged(bearer(await token({ iat: String(NOW_S) })))).toEqual(failure("malformed"));
    // exp still counts when it is there.
    expect(await aged(bearer(await token({ iat: NOW_S - 10, exp: NOW_S - 61 })))).toEqual(failure("expired"));
  });
});
