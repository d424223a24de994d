import { beforeAll, describe, expect, it, vi } from "vitest";
import { createJwtAuthenticator } from "../../src/auth/jwt";
import { JwtRule } from "../../src/config/schema";
import { authRequest, failure, PASSED } from "./helpers";
import { generateKeyPair, publicJwk, signJwt } from "./jwt-helpers";

const JWKS_URL = "https://idp.example/.well-known/jwks.json";
const T0 = Date.UTC(2025, 5, 1);
const SECOND = 1000;

let current: CryptoKeyPair;
let next: CryptoKeyPair;
let foreignRsa: CryptoKeyPair;
beforeAll(async () => {
  [current, next, foreignRsa] = await Promise.all([generateKeyPair("ES256"), generateKeyPair("ES256"), generateKeyPair("RS256")]);
});

/** An issuer whose key set can change, seen through a fetch spy. */
function issuer(initial: () => Promise<JsonWebKey[]>, cacheControl?: string) {
  let keys = initial;
  const fetch = vi.fn<typeof globalThis.fetch>(
    async () =>
      new Response(JSON.stringify({ keys: await keys() }), {
        headers: { "content-type": "application/json", ...(cacheControl ? { "cache-control": cacheControl } : {}) },
      }),
  );
  const authenticate = createJwtAuthenticator(JwtRule.parse({ type: "jwt", alg: "ES256", jwksUrl: JWKS_URL }), { fetch });
  return { fetch, authenticate, rotate: (to: () => Promise<JsonWebKey[]>) => (keys = to) };
}

const jwk = (pair: CryptoKeyPair, kid: string) => publicJwk(pair.publicKey, { kid, use: "sig", alg: "ES256" });

async function tokenRequest(pair: CryptoKeyPair, kid: string | undefined, now: number) {
  const exp = Math.floor(now / 1000) + 300;
  const token = await signJwt(kid === undefined ? { alg: "ES256" } : { alg: "ES256", kid }, { exp }, pair.privateKey);
  return authRequest({ headers: { Authorization: `Bearer ${token}` }, now });
}

describe("jwt with a JWKS URL", () => {
  it("fetches the key set once and verifies from the cache after that", async () => {
    const { fetch, authenticate } = issuer(async () => [await jwk(current, "k1")]);
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(PASSED);
    expect(await authenticate(await tokenRequest(current, "k1", T0 + 5 * SECOND))).toEqual(PASSED);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]?.[0]).toBe(JWKS_URL);
  });

  it("shares one fetch between concurrent first requests", async () => {
    const { fetch, authenticate } = issuer(async () => [await jwk(current, "k1")]);
    const requests = await Promise.all([1, 2, 3].map(() => tokenRequest(current, "k1", T0)));
    expect(await Promise.all(requests.map(authenticate))).toEqual([PASSED, PASSED, PASSED]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("refetches once for an unknown kid and finds a rotated key", async () => {
    const { fetch, authenticate, rotate } = issuer(async () => [await jwk(current, "k1")]);
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(PASSED);
    rotate(async () => [await jwk(current, "k1"), await jwk(next, "k2")]);
    expect(await authenticate(await tokenRequest(next, "k2", T0 + 60 * SECOND))).toEqual(PASSED);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("refetches for unknown kids at most once per 30 s", async () => {
    const { fetch, authenticate } = issuer(async () => [await jwk(current, "k1")]);
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(PASSED);
    // The first lookup just fetched, so an unknown kid right after must wait.
    expect(await authenticate(await tokenRequest(next, "made-up-1", T0 + SECOND))).toEqual(failure("key_unavailable"));
    expect(fetch).toHaveBeenCalledTimes(1);
    // A fresh set that lacks the kid is a "no"; a lookup the throttle refuses is "not now".
    expect(await authenticate(await tokenRequest(next, "made-up-2", T0 + 31 * SECOND))).toEqual(failure("unknown_key"));
    for (const offset of [32, 40, 60]) {
      expect(await authenticate(await tokenRequest(next, `made-up-${offset}`, T0 + offset * SECOND))).toEqual(failure("key_unavailable"));
    }
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(await authenticate(await tokenRequest(next, "made-up-3", T0 + 62 * SECOND))).toEqual(failure("unknown_key"));
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(await authenticate(await tokenRequest(current, "k1", T0 + 63 * SECOND))).toEqual(PASSED);
  });

  it("does not follow a redirect from the JWKS URL: the keys are unavailable, never another host's", async () => {
    const elsewhere = [await jwk(next, "k1")];
    // As fetch does: follows unless told redirect "manual", which hands back the 302 itself.
    const fetch = vi.fn<typeof globalThis.fetch>(async (_input, init) =>
      init?.redirect === "manual"
        ? new Response(null, { status: 302, headers: { location: "https://attacker.example/jwks.json" } })
        : Response.json({ keys: elsewhere }),
    );
    const authenticate = createJwtAuthenticator(JwtRule.parse({ type: "jwt", alg: "ES256", jwksUrl: JWKS_URL }), { fetch });
    expect(await authenticate(await tokenRequest(next, "k1", T0))).toEqual(failure("key_unavailable"));
    expect(fetch.mock.calls[0]?.[1]?.redirect).toBe("manual");
  });

  it("answers key_unavailable when the key set cannot be fetched", async () => {
    const down = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError("network down");
    });
    const authenticate = createJwtAuthenticator(JwtRule.parse({ type: "jwt", alg: "ES256", jwksUrl: JWKS_URL }), { fetch: down });
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(failure("key_unavailable"));
    expect(down).toHaveBeenCalledTimes(1);
  });

  it("serves the last good keys for six hours past their expiry while the issuer is down", async () => {
    let up = true;
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      if (!up) throw new TypeError("network down");
      return Response.json({ keys: [await jwk(current, "k1")] });
    });
    const authenticate = createJwtAuthenticator(JwtRule.parse({ type: "jwt", alg: "ES256", jwksUrl: JWKS_URL }), { fetch });
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(PASSED);
    up = false;
    const expired = T0 + 600 * SECOND;
    expect(await authenticate(await tokenRequest(current, "k1", expired + SECOND))).toEqual(PASSED);
    expect(await authenticate(await tokenRequest(current, "k1", expired + 6 * 3600 * SECOND - SECOND))).toEqual(PASSED);
    expect(fetch.mock.calls.length).toBeGreaterThan(1); // it kept trying
    expect(await authenticate(await tokenRequest(current, "k1", expired + 6 * 3600 * SECOND + SECOND))).toEqual(failure("key_unavailable"));
    up = true;
    expect(await authenticate(await tokenRequest(current, "k1", expired + 7 * 3600 * SECOND))).toEqual(PASSED);
  });

  it("answers key_unavailable for an error status or a body that is not a key set", async () => {
    for (const response of [new Response("oops", { status: 503 }), Response.json({ nope: [] }), new Response("<html>")]) {
      const fetch = vi.fn<typeof globalThis.fetch>(async () => response);
      const authenticate = createJwtAuthenticator(JwtRule.parse({ type: "jwt", alg: "ES256", jwksUrl: JWKS_URL }), { fetch });
      expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(failure("key_unavailable"));
    }
  });

  it("keeps the key set 10 minutes without Cache-Control", async () => {
    const { fetch, authenticate } = issuer(async () => [await jwk(current, "k1")]);
    await authenticate(await tokenRequest(current, "k1", T0));
    await authenticate(await tokenRequest(current, "k1", T0 + 599 * SECOND));
    expect(fetch).toHaveBeenCalledTimes(1);
    await authenticate(await tokenRequest(current, "k1", T0 + 600 * SECOND));
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("honours a shorter max-age but never less than a minute", async () => {
    const short = issuer(async () => [await jwk(current, "k1")], "public, max-age=120");
    await short.authenticate(await tokenRequest(current, "k1", T0));
    await short.authenticate(await tokenRequest(current, "k1", T0 + 119 * SECOND));
    expect(short.fetch).toHaveBeenCalledTimes(1);
    await short.authenticate(await tokenRequest(current, "k1", T0 + 120 * SECOND));
    expect(short.fetch).toHaveBeenCalledTimes(2);

    const tiny = issuer(async () => [await jwk(current, "k1")], "max-age=0");
    await tiny.authenticate(await tokenRequest(current, "k1", T0));
    await tiny.authenticate(await tokenRequest(current, "k1", T0 + 59 * SECOND));
    expect(tiny.fetch).toHaveBeenCalledTimes(1);
  });

  it("caps a long max-age at an hour", async () => {
    const { fetch, authenticate } = issuer(async () => [await jwk(current, "k1")], "max-age=86400");
    await authenticate(await tokenRequest(current, "k1", T0));
    await authenticate(await tokenRequest(current, "k1", T0 + 3599 * SECOND));
    expect(fetch).toHaveBeenCalledTimes(1);
    await authenticate(await tokenRequest(current, "k1", T0 + 3600 * SECOND));
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("tries every usable key for a token without kid", async () => {
    const { authenticate } = issuer(async () => [await jwk(current, "k1"), await jwk(next, "k2")]);
    expect(await authenticate(await tokenRequest(next, undefined, T0))).toEqual(PASSED);
  });

  it("ignores keys of another type or alg, even under the token's kid", async () => {
    const { authenticate } = issuer(async () => [
      await publicJwk(foreignRsa.publicKey, { kid: "k1" }),
      await publicJwk(current.publicKey, { kid: "k1", alg: "ES384" }),
      await publicJwk(current.publicKey, { kid: "k1", use: "enc" }),
    ]);
    expect(await authenticate(await tokenRequest(current, "k1", T0))).toEqual(failure("key_unavailable"));
  });

  it("rejects a token signed by a key the set does not hold, under a known kid", async () => {
    const { authenticate } = issuer(async () => [await jwk(current, "k1")]);
    expect(await authenticate(await tokenRequest(next, "k1", T0))).toEqual(failure("mismatch"));
  });
});
