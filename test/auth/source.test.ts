import { describe, expect, it, vi } from "vitest";
import { createAuthenticator, createSourceAuthenticator, wwwAuthenticate } from "../../src/auth";
import { AuthRule } from "../../src/config/schema";
import { authRequest, basicHeader } from "./helpers";

const noFetch = { fetch: vi.fn<typeof fetch>(async () => new Response(null, { status: 599 })) };
const rules = (...list: unknown[]) => list.map((rule) => AuthRule.parse(rule));

describe("a source's rules", () => {
  const rotating = createSourceAuthenticator(rules({ type: "bearer", token: "old-token" }, { type: "bearer", token: "new-token" }), noFetch);
  const withToken = (token: string) => authRequest({ headers: { Authorization: `Bearer ${token}` } });

  it("pass when any one rule passes, so both keys work during a rotation", async () => {
    expect(await rotating(withToken("old-token"))).toEqual({ ok: true, rule: "bearer" });
    expect(await rotating(withToken("new-token"))).toEqual({ ok: true, rule: "bearer" });
  });

  it("fail with every rule's reason when none passes", async () => {
    expect(await rotating(withToken("stale-token"))).toEqual({ ok: false, reasons: ["mismatch", "mismatch"], unavailable: false });
  });

  it("name the rule that passed, across schemes", async () => {
    const mixed = createSourceAuthenticator(rules({ type: "basic", username: "u", password: "p" }, { type: "query", name: "key", value: "k" }), noFetch);
    expect(await mixed(authRequest({ url: "https://gw.example/hooks/x?key=k" }))).toEqual({ ok: true, rule: "query" });
    expect(await mixed(authRequest({ headers: { Authorization: basicHeader("u", "p") } }))).toEqual({ ok: true, rule: "basic" });
    expect(await mixed(authRequest())).toEqual({ ok: false, reasons: ["missing", "missing"], unavailable: false });
  });

  it("authenticate no one when the list is empty", async () => {
    expect(await createSourceAuthenticator([], noFetch)(authRequest())).toEqual({ ok: false, reasons: [], unavailable: false });
  });
});

describe("createAuthenticator", () => {
  it("builds every scheme the config accepts", () => {
    const all = rules(
      { type: "none" },
      { type: "basic", username: "u", password: "p" },
      { type: "bearer", token: "t" },
      { type: "header", name: "API-Key", value: "v" },
      { type: "query", name: "q", value: "v" },
      { type: "jwt", alg: "HS256", secret: "s" },
      { type: "hmac", header: "X-Sig", secret: "s" },
      { type: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
    );
    for (const rule of all) expect(createAuthenticator(rule, noFetch)).toBeTypeOf("function");
  });
});

describe("wwwAuthenticate", () => {
  it("challenges for Basic and Bearer when those rules are configured", () => {
    expect(wwwAuthenticate(rules({ type: "basic", username: "u", password: "p" }))).toBe('Basic realm="hookgate", charset="UTF-8"');
    expect(wwwAuthenticate(rules({ type: "jwt", alg: "HS256", secret: "s" }))).toBe('Bearer realm="hookgate"');
    expect(
      wwwAuthenticate(rules({ type: "bearer", token: "a" }, { type: "basic", username: "u", password: "p" }, { type: "jwt", alg: "HS256", secret: "s" })),
    ).toBe('Basic realm="hookgate", charset="UTF-8", Bearer realm="hookgate"');
  });

  it("has no challenge for schemes a client cannot be asked for", () => {
    expect(wwwAuthenticate(rules({ type: "hmac", header: "X-Sig", secret: "s" }, { type: "none" }))).toBeUndefined();
  });
});
