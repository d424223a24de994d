import { describe, expect, it } from "vitest";
import { createBasicAuthenticator } from "../../src/auth/basic";
import { authRequest, basicHeader, failure, PASSED } from "./helpers";

const withAuthorization = (value?: string) => authRequest(value === undefined ? {} : { headers: { Authorization: value } });

describe("basic", () => {
  // NS Tecnologia's documentation example: a password with characters that need care.
  const ns = createBasicAuthenticator({ type: "basic", username: "nstechnology", password: "password!2#" });
  const colons = createBasicAuthenticator({ type: "basic", username: "bs2", password: "a:b:c" });

  it("accepts NS's example credentials", async () => {
    expect(await ns(withAuthorization(basicHeader("nstechnology", "password!2#")))).toEqual(PASSED);
  });

  it("splits on the first colon, so the password may contain more", async () => {
    expect(await colons(withAuthorization(basicHeader("bs2", "a:b:c")))).toEqual(PASSED);
    expect(await colons(withAuthorization(basicHeader("bs2", "a:b")))).toEqual(failure("mismatch"));
  });

  it("reads the scheme name in any case", async () => {
    const lower = basicHeader("nstechnology", "password!2#").replace("Basic", "basic");
    expect(await ns(withAuthorization(lower))).toEqual(PASSED);
  });

  it("reads a UTF-8 password", async () => {
    const accented = createBasicAuthenticator({ type: "basic", username: "joão", password: "senha-ção" });
    expect(await accented(withAuthorization(basicHeader("joão", "senha-ção")))).toEqual(PASSED);
  });

  it("answers missing when there is no Authorization header", async () => {
    expect(await ns(withAuthorization())).toEqual(failure("missing"));
  });

  it("answers malformed for another scheme, bad base64 or no colon", async () => {
    expect(await ns(withAuthorization("Bearer abc"))).toEqual(failure("malformed"));
    expect(await ns(withAuthorization("Basic !!!not-base64"))).toEqual(failure("malformed"));
    expect(await ns(withAuthorization(`Basic ${btoa("nstechnology")}`))).toEqual(failure("malformed"));
    expect(await ns(withAuthorization("Basic"))).toEqual(failure("malformed"));
  });

  it("answers mismatch for a wrong username or a wrong password", async () => {
    expect(await ns(withAuthorization(basicHeader("nstechnology", "password!2")))).toEqual(failure("mismatch"));
    expect(await ns(withAuthorization(basicHeader("nstech", "password!2#")))).toEqual(failure("mismatch"));
    expect(await ns(withAuthorization(basicHeader("", "")))).toEqual(failure("mismatch"));
  });

  it("refuses a username with a colon, which no client could send", () => {
    expect(() => createBasicAuthenticator({ type: "basic", username: "a:b", password: "p" })).toThrow(/username/);
  });
});
