import { describe, expect, it } from "vitest";
import { createBearerAuthenticator } from "../../src/auth/bearer";
import { createHeaderAuthenticator } from "../../src/auth/header";
import { createNoneAuthenticator } from "../../src/auth/none";
import { createQueryAuthenticator } from "../../src/auth/query";
import { authRequest, failure, PASSED } from "./helpers";

describe("none", () => {
  it("lets anyone in", async () => {
    expect(await createNoneAuthenticator({ type: "none" })(authRequest())).toEqual(PASSED);
  });
});

describe("bearer", () => {
  const authenticate = createBearerAuthenticator({ type: "bearer", token: "tok_3f9a.b-c_d~e+f/g==" });
  const withAuthorization = (value: string) => authRequest({ headers: { Authorization: value } });

  it("accepts the configured token, with the scheme in any case", async () => {
    expect(await authenticate(withAuthorization("Bearer tok_3f9a.b-c_d~e+f/g=="))).toEqual(PASSED);
    expect(await authenticate(withAuthorization("bearer tok_3f9a.b-c_d~e+f/g=="))).toEqual(PASSED);
  });

  it("answers missing, malformed and mismatch apart", async () => {
    expect(await authenticate(authRequest())).toEqual(failure("missing"));
    expect(await authenticate(withAuthorization("Basic tok_3f9a.b-c_d~e+f/g=="))).toEqual(failure("malformed"));
    expect(await authenticate(withAuthorization("Bearer tok_3f9a.b-c_d~e+f/g="))).toEqual(failure("mismatch"));
    expect(await authenticate(withAuthorization("Bearer tok_3f9a.b-c_d~e+f/g===="))).toEqual(failure("mismatch"));
  });
});

describe("header", () => {
  // BMP sends its key as `Authorization: HMAC <key>`.
  const bmp = createHeaderAuthenticator({ type: "header", name: "Authorization", prefix: "HMAC ", value: "bmp-key-123" });
  const apiKey = createHeaderAuthenticator({ type: "header", name: "API-Key", value: "k-456" });

  it("accepts BMP's HMAC-prefixed Authorization", async () => {
    expect(await bmp(authRequest({ headers: { authorization: "HMAC bmp-key-123" } }))).toEqual(PASSED);
  });

  it("answers malformed when the prefix is absent, mismatch when the value differs", async () => {
    expect(await bmp(authRequest({ headers: { Authorization: "bmp-key-123" } }))).toEqual(failure("malformed"));
    expect(await bmp(authRequest({ headers: { Authorization: "HMAC bmp-key-124" } }))).toEqual(failure("mismatch"));
    expect(await bmp(authRequest())).toEqual(failure("missing"));
  });

  it("finds the header whatever case the sender used for its name", async () => {
    expect(await apiKey(authRequest({ headers: { "api-key": "k-456" } }))).toEqual(PASSED);
    expect(await apiKey(authRequest({ headers: { "API-KEY": "k-456" } }))).toEqual(PASSED);
  });

  it("compares the value exactly, case included", async () => {
    const xApiKey = createHeaderAuthenticator({ type: "header", name: "X-API-Key", value: "Secret" });
    expect(await xApiKey(authRequest({ headers: { "X-API-Key": "Secret" } }))).toEqual(PASSED);
    expect(await xApiKey(authRequest({ headers: { "X-API-Key": "secret" } }))).toEqual(failure("mismatch"));
    expect(await xApiKey(authRequest({ headers: { "API-Key": "Secret" } }))).toEqual(failure("missing"));
  });
});

describe("query", () => {
  const authenticate = createQueryAuthenticator({ type: "query", name: "token", value: "q s+1" });
  const at = (query: string) => authRequest({ url: `https://gw.example/hooks/acme?${query}` });

  it("accepts the parameter's decoded value", async () => {
    expect(await authenticate(at("token=q%20s%2B1"))).toEqual(PASSED);
  });

  it("answers missing without it and mismatch for another value", async () => {
    expect(await authenticate(at("other=q%20s%2B1"))).toEqual(failure("missing"));
    expect(await authenticate(at("token="))).toEqual(failure("missing"));
    expect(await authenticate(at("token=q%20s"))).toEqual(failure("mismatch"));
  });

  it("only counts the first occurrence, so one request cannot carry many guesses", async () => {
    expect(await authenticate(at("token=guess&token=q%20s%2B1"))).toEqual(failure("mismatch"));
  });
});
