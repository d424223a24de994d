import { describe, expect, it } from "vitest";
import { devVarsFor, formatDevVars } from "../../scripts/lib/dev-vars";
import { parseConfig } from "../../src/config/load";

const config = JSON.stringify(
  {
    sources: { acme: { provider: "generic", auth: [{ type: "bearer", token: { secret: "ACME_TOKEN" } }] } },
    routes: [{ id: "ledger", events: ["*"], url: "https://ledger.example/h", auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }],
  },
  null,
  2,
);

describe("what npm start hands to wrangler dev", () => {
  it("is the config on one line, the secrets it names, and ADMIN_TOKEN: nothing else of the environment", () => {
    const shell: Record<string, string> = {
      ACME_TOKEN: "acme-t0ken",
      LEDGER_TOKEN: "ledger-t0ken",
      AWS_SECRET_ACCESS_KEY: "cloud-credential",
      HOME: "/home/dev",
    };
    const loaded = parseConfig(config, (name) => shell[name]);
    expect(loaded.ok).toBe(true);
    const vars = devVarsFor({ config, usedSecrets: loaded.usedSecrets, adminToken: "local-admin" });
    expect(vars).toEqual({
      GATEWAY_CONFIG: JSON.stringify(JSON.parse(config)),
      ACME_TOKEN: "acme-t0ken",
      LEDGER_TOKEN: "ledger-t0ken",
      ADMIN_TOKEN: "local-admin",
    });
    expect(formatDevVars(vars)).not.toContain("cloud-credential");
  });

  it("leaves out a secret the config names that has no value", () => {
    const vars = devVarsFor({
      config,
      usedSecrets: new Map([
        ["ACME_TOKEN", undefined],
        ["LEDGER_TOKEN", ""],
      ]),
      adminToken: "a",
    });
    expect(Object.keys(vars)).toEqual(["GATEWAY_CONFIG", "ADMIN_TOKEN"]);
  });

  it("quotes each value with a quote it does not contain and escapes $ from expansion", () => {
    expect(formatDevVars({ A: "plain", B: "it's", C: "it's `x`", D: "pa$$word $" + "{HOME}" })).toBe(
      "A='plain'\nB=`it's`\nC=\"it's `x`\"\nD='pa\\$\\$word \\$" + "{HOME}'\n",
    );
  });

  it("refuses what a dotenv line cannot hold, naming the variable and not the value", () => {
    expect(() => formatDevVars({ PEM: "line one\nline two" })).toThrow(/^PEM: /);
    expect(() => formatDevVars({ Q: `'\`" all three` })).toThrow(/^Q: /);
    expect(() => formatDevVars({ N: `'\` and a \\n` })).toThrow(/^N: /);
    expect(() => formatDevVars({ "BAD NAME": "x" })).toThrow(/not a variable name/);
    const refusal = (() => {
      try {
        formatDevVars({ SECRET: "s3cret-value\n" });
      } catch (error) {
        return String(error);
      }
    })();
    expect(refusal).toContain("SECRET");
    expect(refusal).not.toContain("s3cret-value");
  });
});
