import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { callWorker, errorOf } from "../helpers";

// The mistakes a person makes writing a config by hand, answered with where and what was meant.

const read = (secrets: Record<string, string>) => (name: string) => secrets[name];
const bearer = (token: unknown) => ({ sources: { acme: { provider: "generic", auth: [{ type: "bearer", token }] } } });

/** A config file as a person writes it: indented, with a trailing comma after the last route field. */
const WITH_TRAILING_COMMA = `{
  "sources": {
    "acme": { "provider": "generic", "auth": [{ "type": "bearer", "token": "s3cr3t-inline" }] }
  },
  "routes": [
    { "id": "erp", "events": ["*"], "url": "https://erp.example/hooks", }
  ]
}
`;

describe("a misspelt secret reference", () => {
  it("is named with what was meant, not only as an object where a string belongs", () => {
    for (const key of ["secrte", "Secret", "secrets", "sceret"]) {
      const loaded = parseConfig(bearer({ [key]: "ACME_TOKEN" }), read({ ACME_TOKEN: "t0k3n" }));
      expect(loaded).toMatchObject({ ok: false });
      expect(loaded.ok ? [] : loaded.problems).toEqual([
        `sources.acme.auth[0].token: {"${key}": …} is not a secret reference: did you mean {"secret": …}? (expected a string or a reference, received an object)`,
      ]);
    }
  });

  it("leaves an object that resembles no reference with the plain message, and never shows the name's value", () => {
    const loaded = parseConfig(bearer({ vault: "ACME_TOKEN" }), read({}));
    expect(loaded.ok ? [] : loaded.problems).toEqual(["sources.acme.auth[0].token: Invalid input: expected string, received object"]);
    const misspelt = parseConfig(bearer({ secrte: "ACME_TOKEN" }), read({}));
    expect((misspelt.ok ? [] : misspelt.problems).join()).not.toContain("ACME_TOKEN");
  });
});

describe("a config that is not JSON", () => {
  it("is placed by file, line and column when it came from a file, with the trailing comma named", () => {
    const loaded = parseConfig(WITH_TRAILING_COMMA, read({}), { file: "my/fintech.json" });
    expect(loaded.ok ? [] : loaded.problems).toEqual([
      'my/fintech.json:6:73: not valid JSON: expected double-quoted property name (JSON allows no trailing comma: remove the "," before it)',
    ]);
  });

  it("is placed by line and column in GATEWAY_CONFIG, computed from the offset, quoting none of the text", () => {
    const loaded = parseConfig(WITH_TRAILING_COMMA, read({}));
    expect(loaded.ok ? [] : loaded.problems).toEqual([
      'GATEWAY_CONFIG is not valid JSON: line 6, column 73: expected double-quoted property name (JSON allows no trailing comma: remove the "," before it)',
    ]);
    // V8 gives no position for an unexpected token, and quotes the text around it: found by bisection.
    const token = parseConfig('{\n  "sources": {"acme": {"token": [1, s3cr3t-inline]}}\n}', read({}));
    expect(token.ok ? [] : token.problems).toEqual(["GATEWAY_CONFIG is not valid JSON: line 2, column 37: unexpected character"]);
    const array = parseConfig('{"routes": [\n  {"id": "erp"},\n]}', read({}));
    expect(array.ok ? [] : array.problems).toEqual([
      'GATEWAY_CONFIG is not valid JSON: line 3, column 1: unexpected character (JSON allows no trailing comma: remove the "," before it)',
    ]);
  });

  it("says when the text ends before the document does", () => {
    for (const text of ['{"sources": {', '{"sources": {"acme": "s3cr3t']) {
      const loaded = parseConfig(text, read({}), { file: "cut.json" });
      expect(loaded.ok ? [] : loaded.problems).toEqual(["cut.json: not valid JSON: the text ends before the document does (a { or [ left open?)"]);
    }
  });

  it("is answered 500 bad_config by the Worker with the line and column, never the text", async () => {
    const response = await callWorker(new Request("https://hooks.example.com/hooks/acme", { method: "POST", body: "{}" }), {
      GATEWAY_CONFIG: WITH_TRAILING_COMMA,
    });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe("bad_config");
    expect(error.message).toContain("GATEWAY_CONFIG is not valid JSON: line 6, column 73");
    expect(error.message).not.toContain("s3cr3t");
  });
});
