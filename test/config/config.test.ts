import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/load";
import { configWarnings } from "../../src/config/warnings";

const source = { provider: "generic", auth: [{ type: "none" }] };
const read = (secrets: Record<string, string>) => (name: string) => secrets[name];

describe("a source's auth rules", () => {
  it("refuses none beside other rules, naming the path: it would let every request through", () => {
    const loaded = parseConfig({ sources: { acme: { ...source, auth: [{ type: "bearer", token: "t0k3n-t0k3n" }, { type: "none" }] } } }, read({}));
    expect(loaded).toMatchObject({
      ok: false,
      problems: ['sources.acme.auth[1]: "none" lets every request through, so it cannot sit beside other rules; a public source lists it alone'],
    });
    expect(parseConfig({ sources: { acme: source } }, read({})).ok).toBe(true);
  });
});

describe("parseConfig", () => {
  it("takes the document as an object or as a JSON string, with the same result", () => {
    const document = { sources: { acme: source } };
    const fromObject = parseConfig(document, read({}));
    const fromString = parseConfig(JSON.stringify(document), read({}));
    expect(fromObject.ok && fromString.ok).toBe(true);
    if (fromObject.ok && fromString.ok) expect(fromString.config).toEqual(fromObject.config);
  });

  it("fills the documented defaults", () => {
    const loaded = parseConfig({ sources: { acme: source }, routes: [{ id: "r", events: ["*"], url: "https://x.example" }] }, read({}));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.config.sources.acme).toMatchObject({ maxBodyBytes: 1_048_576, onInvalid: "quarantine" });
    expect(loaded.config.routes[0]).toMatchObject({ method: "POST", auth: { type: "none" }, timeoutMs: 10_000 });
    expect(loaded.config.delivery).toEqual({ maxAttempts: 10, deadLetterTtlDays: 14 });
  });

  it("replaces a {secret: NAME} reference with the binding's value", () => {
    const loaded = parseConfig(
      { sources: { acme: { ...source, auth: [{ type: "bearer", token: { secret: "ACME_TOKEN" } }] } } },
      read({ ACME_TOKEN: "t0k3n" }),
    );
    expect(loaded.ok && loaded.config.sources.acme!.auth[0]).toEqual({ type: "bearer", token: "t0k3n" });
  });

  it("names the JSON path and the secret when a secret is missing, once", () => {
    const loaded = parseConfig({ sources: { acme: { ...source, auth: [{ type: "bearer", token: { secret: "ACME_TOKEN" } }] } } }, read({}));
    expect(loaded).toMatchObject({ ok: false, problems: ["sources.acme.auth[0].token: secret ACME_TOKEN is not set"] });
  });

  it("never puts a secret's value in a problem", () => {
    const loaded = parseConfig(
      { sources: { acme: { ...source, auth: [{ type: "standard-webhooks", secret: { secret: "WHSEC" } }] } } },
      read({ WHSEC: "not-a-whsec-value-42" }),
    );
    expect(loaded.ok).toBe(false);
    expect(JSON.stringify(loaded)).not.toContain("not-a-whsec-value-42");
  });

  it("refuses an empty auth list, saying how to declare a public source", () => {
    const loaded = parseConfig({ sources: { acme: { ...source, auth: [] } } }, read({}));
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.problems[0]).toContain('sources.acme.auth: must list at least one rule; a public source says [{"type":"none"}]');
  });

  it("refuses source names that cannot be a URL segment", () => {
    const loaded = parseConfig({ sources: { "Bad Name": source } }, read({}));
    expect(loaded.ok).toBe(false);
  });

  it("refuses generic-only fields on other providers", () => {
    const loaded = parseConfig({ sources: { ns: { provider: "ns-bpe", idPath: "body.id", auth: [{ type: "none" }] } } }, read({}));
    expect(!loaded.ok && loaded.problems).toEqual(["sources.ns.idPath: only the generic provider takes this"]);
  });

  it("refuses a dedup TTL under 60 seconds", () => {
    const loaded = parseConfig({ sources: { acme: { ...source, dedupTtlSeconds: 59 } } }, read({}));
    expect(!loaded.ok && loaded.problems[0]).toContain("sources.acme.dedupTtlSeconds: must be at least 60");
  });

  it("refuses plain http targets, and loopback ones outside local development (LOCAL_DEV)", () => {
    const route = (url: string, localDev = false) =>
      parseConfig({ sources: { acme: source }, routes: [{ id: "r", events: ["*"], url }] }, read({}), { localDev });
    expect(route("http://ledger.internal.example/hooks").ok).toBe(false);
    expect(route("https://ledger.internal.example/hooks").ok).toBe(true);
    expect(route("ftp://ledger.internal.example/hooks").ok).toBe(false);
    for (const local of [
      "http://localhost:8080/hooks",
      "http://127.0.0.1:8080/hooks",
      "http://[::1]/hooks",
      "https://127.0.0.1/hooks",
      "http://api.localhost/",
    ]) {
      expect(route(local, true).ok, local).toBe(true);
      const refused = route(local);
      expect(refused.ok ? [] : refused.problems, local).toEqual([
        "routes[0].url: loopback targets (localhost, 127.0.0.1, [::1]) are allowed only in local development (LOCAL_DEV)",
      ]);
    }
  });

  it("refuses targets that are IP literals in non-public ranges, even in local development", () => {
    const route = (url: string) => parseConfig({ sources: { acme: source }, routes: [{ id: "r", events: ["*"], url }] }, read({}), { localDev: true }).ok;
    const refused = [
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.5/hooks",
      "https://172.31.255.255/",
      "https://192.168.1.1/",
      "https://100.64.0.1/",
      "https://0.0.0.0/",
      "https://[fd12:3456::1]/",
      "https://[fe80::1]/",
      "https://[::ffff:169.254.169.254]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://2852039166/", // 169.254.169.254 as one number
      "https://[2001:db8::1]/",
      "https://224.0.0.1/",
    ];
    for (const url of refused) expect(route(url), url).toBe(false);
    for (const url of ["https://203.0.112.9/", "https://8.8.8.8/", "https://[2606:4700::1111]/", "https://172.32.0.1/", "https://100.128.0.1/"]) {
      expect(route(url), url).toBe(true);
    }
  });

  it("refuses a JWKS URL on a loopback or non-public address", () => {
    const jwks = (jwksUrl: string) => parseConfig({ sources: { acme: { ...source, auth: [{ type: "jwt", alg: "ES256", jwksUrl }] } } }, read({})).ok;
    expect(jwks("https://idp.example/jwks")).toBe(true);
    expect(jwks("https://169.254.169.254/jwks")).toBe(false);
    expect(jwks("https://127.0.0.1/jwks")).toBe(false);
  });

  it("warns, without refusing, about an mtls block that pins nothing", () => {
    const loaded = parseConfig(
      {
        sources: {
          pix: { provider: "pix", mtls: {}, auth: [{ type: "none" }] },
          ok: { provider: "pix", mtls: { issuerDn: "CN=PSP CA" }, auth: [{ type: "none" }] },
        },
      },
      read({}),
    );
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(configWarnings(loaded.config)).toEqual([
      "sources.pix.mtls: no fingerprintsSha256, issuerDn or subjectDn: any client certificate the zone's CA signed passes, unless certificates are uploaded for this source",
    ]);
  });

  it("does not take an inherited name like constructor for a source", () => {
    const loaded = parseConfig(
      { sources: { acme: source }, routes: [{ id: "r", events: ["*"], url: "https://a.example", sources: ["constructor"] }] },
      read({}),
    );
    expect(loaded.ok).toBe(false);
  });

  it("refuses duplicate route ids and routes naming unknown sources", () => {
    const loaded = parseConfig(
      {
        sources: { acme: source },
        routes: [
          { id: "r", events: ["*"], url: "https://a.example" },
          { id: "r", events: ["*"], url: "https://b.example", sources: ["nope"] },
        ],
      },
      read({}),
    );
    expect(!loaded.ok && loaded.problems).toEqual(['routes[1].id: duplicate route id "r"', 'routes[1].sources[0]: no source named "nope"']);
  });

  it("never quotes the config text when its JSON is broken, which may hold a secret written inline", () => {
    const loaded = parseConfig('{"sources": {"a": {"auth": [{"type":"bearer","token": hunter2-secret}]}}}', read({}));
    expect(loaded.ok).toBe(false);
    expect(JSON.stringify(loaded)).not.toContain("hunter2");
  });

  it("takes fingerprint pins as 64 hex digits with or without colons, and nothing else", () => {
    const pins = (fingerprint: string) => parseConfig({ sources: { pix: { ...source, mtls: { fingerprintsSha256: [fingerprint] } } } }, read({})).ok;
    expect(pins("ab".repeat(32))).toBe(true);
    expect(pins(Array(32).fill("AB").join(":"))).toBe(true);
    expect(pins(":".repeat(64))).toBe(false);
    expect(pins("ab".repeat(35))).toBe(false);
  });

  it("says when the JSON string cannot be parsed, and when the config is not set", () => {
    expect(parseConfig("{oops", read({}))).toMatchObject({ ok: false, problems: [expect.stringContaining("not valid JSON")] });
    expect(parseConfig(undefined, read({}))).toMatchObject({ ok: false, problems: ["GATEWAY_CONFIG is not set"] });
  });

  it("pins a JWT rule to exactly one key source that fits its algorithm", () => {
    const jwt = (rule: object) => parseConfig({ sources: { acme: { ...source, auth: [{ type: "jwt", ...rule }] } } }, read({})).ok;
    expect(jwt({ alg: "HS256", secret: "k" })).toBe(true);
    expect(jwt({ alg: "RS256", secret: "k" })).toBe(false);
    expect(jwt({ alg: "HS256", secret: "k", jwksUrl: "https://x.example/jwks" })).toBe(false);
    expect(jwt({ alg: "RS256", jwksUrl: "http://x.example/jwks" })).toBe(false);
  });
});

describe("what an auth rule needs, checked offline", () => {
  const rule = (auth: object) => parseConfig({ sources: { acme: { ...source, auth: [auth] } } }, read({}));

  it("refuses a basic username with a colon, which Basic auth cannot carry", () => {
    expect(rule({ type: "basic", username: "a:b", password: "p" })).toMatchObject({
      ok: false,
      problems: ["sources.acme.auth[0].username: must not contain ':'"],
    });
    expect(rule({ type: "basic", username: "ab", password: "p:q" }).ok).toBe(true);
  });

  it("refuses an hmac template whose {timestamp} or {id} has no header to come from", () => {
    const loaded = rule({ type: "hmac", header: "X-Sig", secret: "k", signedContent: "{id}.{timestamp}.{body}" });
    expect(!loaded.ok && loaded.problems).toEqual([
      "sources.acme.auth[0].timestampHeader: signedContent uses {timestamp}, so timestampHeader is needed",
      "sources.acme.auth[0].idHeader: signedContent uses {id}, so idHeader is needed",
    ]);
    expect(rule({ type: "hmac", header: "X-Sig", secret: "k", signedContent: "{timestamp}.{body}", timestampHeader: "X-Ts" }).ok).toBe(true);
  });

  it("refuses a whsec_ secret that holds no key", () => {
    expect(rule({ type: "standard-webhooks", secret: "whsec_=" }).ok).toBe(false);
    expect(rule({ type: "standard-webhooks", secret: "whsec_" }).ok).toBe(false);
    expect(rule({ type: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }).ok).toBe(true);
  });
});

describe("loadConfig", () => {
  it("parses once per isolate and re-parses when the document or a secret it reads changes", () => {
    const document = JSON.stringify({ sources: { acme: { ...source, auth: [{ type: "bearer", token: { secret: "T" } }] } } });
    const first = loadConfig({ GATEWAY_CONFIG: document, T: "one" });
    const again = loadConfig({ GATEWAY_CONFIG: document, T: "one" });
    expect(again).toBe(first);
    const rotated = loadConfig({ GATEWAY_CONFIG: document, T: "two" });
    expect(rotated).not.toBe(first);
    expect(rotated.ok && rotated.config.sources.acme!.auth[0]).toEqual({ type: "bearer", token: "two" });
  });
});
