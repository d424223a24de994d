import { afterEach, describe, expect, it, vi } from "vitest";
import { signJwt } from "../auth/jwt-helpers";
import { callWorker, errorOf } from "../helpers";

// A JWKS that cannot be fetched is the issuer's trouble, not the provider's: 503 with
// Retry-After keeps the provider retrying, where a 401 would make it give up.

afterEach(() => vi.restoreAllMocks());

describe("a jwt source whose JWKS is down", () => {
  it("answers 503 with Retry-After, not 401", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwksUrl = `https://idp-${crypto.randomUUID()}.example/jwks`;
    const config = { sources: { acme: { provider: "generic", auth: [{ type: "jwt", alg: "ES256", jwksUrl }] } } };
    const fetch = vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network down"));
    const token = await signJwt({ alg: "ES256", kid: "k1" }, { exp: Math.floor(Date.now() / 1000) + 300 }, pair.privateKey);
    const response = await callWorker(
      new Request("https://gw.example/hooks/acme", {
        method: "POST",
        body: "{}",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      }),
      { GATEWAY_CONFIG: JSON.stringify(config) },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    expect((await errorOf(response)).code).toBe("unavailable");
    expect(fetch).toHaveBeenCalledWith(jwksUrl, expect.anything());
  });
});
