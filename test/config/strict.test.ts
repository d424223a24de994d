import { describe, expect, it } from "vitest";
import demo from "../../demo/config.json";
import { parseConfig } from "../../src/config/load";

const source = { provider: "generic", auth: [{ type: "none" }] };
const route = { id: "ledger", events: ["*"], url: "https://ledger.example" };
const none = () => undefined;

function problemsOf(document: unknown): string[] {
  const loaded = parseConfig(document, none);
  return loaded.ok ? [] : loaded.problems;
}

describe("an unknown key anywhere in the config", () => {
  it("is an error naming the source and the key, with the key it was probably meant to be", () => {
    expect(problemsOf({ sources: { "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "none" }], dedupTtlSecond: 3600 } } })).toEqual([
      'sources.bs2-boleto: unknown key "dedupTtlSecond" (did you mean "dedupTtlSeconds"?)',
    ]);
  });

  it("is caught at the top level, in an auth rule, a route, its auth, mtls pins and delivery", () => {
    const problems = problemsOf({
      sources: {
        acme: {
          provider: "generic",
          auth: [{ type: "basic", username: "u", password: "p", realm: "x" }],
          mtls: { fingerprintSha256: [] },
        },
      },
      routes: [{ ...route, timeout: 500, auth: { type: "bearer", token: "t", scheme: "Bearer" } }],
      delivery: { maxAttempt: 3 },
      source: {},
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        '(root): unknown key "source" (did you mean "sources"?)',
        'sources.acme.auth[0]: unknown key "realm"',
        'sources.acme.mtls: unknown key "fingerprintSha256" (did you mean "fingerprintsSha256"?)',
        'routes[0]: unknown key "timeout" (did you mean "timeoutMs"?)',
        'routes[0].auth: unknown key "scheme"',
        'delivery: unknown key "maxAttempt" (did you mean "maxAttempts"?)',
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it("lists every unknown key of one object", () => {
    expect(problemsOf({ sources: { acme: { ...source, colour: "red", dedupTTL: 60 } } })).toEqual([
      'sources.acme: unknown key "colour"; unknown key "dedupTTL" (did you mean "dedupTtlSeconds"?)',
    ]);
  });

  it("is also an error inside a secret reference, which holds only the secret's name", () => {
    const problems = problemsOf({ sources: { acme: { ...source, auth: [{ type: "bearer", token: { secret: "T", default: "x" } }] } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^sources\.acme\.auth\[0\]\.token: /);
    expect(problems[0]).not.toContain('"x"');
  });
});

describe("the $schema key", () => {
  it("is taken at the top level, so editors can find the JSON Schema", () => {
    const loaded = parseConfig({ $schema: "./schema/config.schema.json", sources: { acme: source } }, none);
    expect(loaded.ok).toBe(true);
  });

  it("is not taken inside a source, where it would be a typo", () => {
    expect(problemsOf({ sources: { acme: { ...source, $schema: "x" } } })).toEqual(['sources.acme: unknown key "$schema" (did you mean "schema"?)']);
  });

  it("is what the demo config uses, pointing at the committed schema", () => {
    expect(demo.$schema).toBe("../schema/config.schema.json");
    // The demo delivers to its sink on 127.0.0.1: a local-development config.
    expect(parseConfig(demo, none, { localDev: true }).ok).toBe(true);
  });
});

describe("a misspelt key in a route's governance", () => {
  it("is told as a source's is: the unknown key and what it was meant to be, once", () => {
    expect(problemsOf({ sources: { acme: source }, routes: [{ ...route, rateLimit: { perSec: 5 } }] })).toEqual([
      'routes[0].rateLimit: unknown key "perSec" (did you mean "perSecond"?)',
    ]);
    expect(problemsOf({ sources: { acme: source }, routes: [{ ...route, breaker: { failure: 3 }, ordered: { keys: "subject" } }] })).toEqual([
      'routes[0].breaker: unknown key "failure" (did you mean "failures"?)',
      'routes[0].ordered: unknown key "keys" (did you mean "key"?)',
    ]);
  });

  it("still says a required key is missing when nothing written is near it", () => {
    expect(problemsOf({ sources: { acme: source }, routes: [{ ...route, rateLimit: { burst: 5 } }] })).toEqual([
      "routes[0].rateLimit.perSecond: Invalid input: expected number, received undefined",
      'routes[0].rateLimit: unknown key "burst"',
    ]);
  });
});
