import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// `npm run check-config` as a person runs it: the verdict `npm start` gives a local config with
// --local, the deployed gateway's without, and a hint when only the loopback targets stand between.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "hookgate-check-config-"));
const NO_SECRETS = join(dir, "none.vars");
const { LOCAL_DEV: _, ...withoutLocalDev } = process.env;

async function checkConfig(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run("node_modules/.bin/tsx", ["scripts/check-config.ts", ...args], {
      timeout: 30_000,
      env: { ...withoutLocalDev, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("check-config on a local config", () => {
  it("refuses the demo's loopback targets by default, and says how to check it as npm start runs it", { timeout: 60_000 }, async () => {
    const strict = await checkConfig(["demo/config.json", "--secrets", NO_SECRETS]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("routes[0].url: loopback targets");
    expect(strict.stderr).toContain("`npm run check-config -- demo/config.json --local` checks the config as `npm start` runs it");
  });

  it("agrees with npm start given --local, or LOCAL_DEV=1 in the environment or the secrets file", { timeout: 60_000 }, async () => {
    const localVars = join(dir, "local.vars");
    writeFileSync(localVars, "LOCAL_DEV=1\n");
    const answers = await Promise.all([
      checkConfig(["demo/config.json", "--local", "--secrets", NO_SECRETS]),
      checkConfig(["demo/config.json", "--secrets", NO_SECRETS], { LOCAL_DEV: "1" }),
      checkConfig(["demo/config.json", "--secrets", localVars]),
    ]);
    for (const answer of answers) {
      expect(answer.code).toBe(0);
      expect(answer.stdout).toContain("demo/config.json: ok (7 sources, 2 routes, 0 secrets, as `npm start` runs it: loopback targets allowed)");
    }
  });

  it("gives no loopback hint for a config whose problems are others", { timeout: 60_000 }, async () => {
    const answer = await checkConfig(["test/fixtures/bad-config.json", "--secrets", NO_SECRETS]);
    expect(answer.code).toBe(1);
    expect(answer.stderr).not.toContain("--local");
  });

  it("names the file, line and column of a JSON mistake", { timeout: 60_000 }, async () => {
    const file = join(dir, "fintech.json");
    writeFileSync(file, '{\n  "sources": {\n    "acme": { "provider": "generic", "auth": [{ "type": "none" }] },\n  }\n}\n');
    const answer = await checkConfig([file, "--local"]);
    expect(answer.code).toBe(1);
    expect(answer.stderr).toContain(`${file}:4:3: not valid JSON: expected double-quoted property name (JSON allows no trailing comma`);
  });
});

describe("check-config's notes", () => {
  const pix = { provider: "pix", auth: [{ type: "none" }], mtls: { fingerprintsSha256: [] } };
  const PINS_WARNING = "warning: sources.pix.mtls: no fingerprintsSha256, issuerDn or subjectDn";

  it("says the admin API, console and metrics answer 404 when no ADMIN_TOKEN is set, and nothing when one is", { timeout: 60_000 }, async () => {
    const file = join(dir, "no-admin.json");
    writeFileSync(file, JSON.stringify({ sources: { pix }, routes: [{ id: "erp", events: ["*"], url: "https://erp.example" }] }));
    const tokenVars = join(dir, "token.vars");
    writeFileSync(tokenVars, `ADMIN_TOKEN=${"t".repeat(40)}\n`);
    const [without, local, withToken] = await Promise.all([
      checkConfig([file, "--secrets", NO_SECRETS]),
      checkConfig([file, "--local", "--secrets", NO_SECRETS]),
      checkConfig([file, "--secrets", tokenVars]),
    ]);
    expect(without.code).toBe(0);
    expect(without.stderr).toContain("note: no ADMIN_TOKEN is set, so the admin API, the console (/admin/console) and the metrics (/admin/metrics) answer 404");
    expect(without.stderr).toContain("wrangler secret put ADMIN_TOKEN");
    expect(local.stderr).toContain("`npm start` generates one per start and prints it");
    expect(withToken.code).toBe(0);
    expect(withToken.stderr).not.toContain("ADMIN_TOKEN");
  });

  it("gives --local the same warnings as without it, plus what local development relaxes", { timeout: 60_000 }, async () => {
    const file = join(dir, "pix-mtls.json");
    writeFileSync(file, JSON.stringify({ sources: { pix }, routes: [{ id: "erp", events: ["*"], url: "http://127.0.0.1:9000/hooks" }] }));
    const [deployed, local] = await Promise.all([checkConfig([file, "--secrets", NO_SECRETS]), checkConfig([file, "--local", "--secrets", NO_SECRETS])]);
    expect(deployed.code).toBe(1);
    expect(deployed.stderr).toContain(PINS_WARNING);
    expect(local.code).toBe(0);
    expect(local.stderr).toContain(PINS_WARNING);
    expect(local.stderr).toContain("local: routes[0].url: a loopback target, allowed in local development only");
    expect(local.stderr).toContain(
      "local: sources.pix.mtls: a client certificate may be reported by the hookgate-dev-client-cert header (`npm run send -- pix --client-cert demo`)",
    );
    expect(deployed.stderr).not.toContain("local: ");
  });

  it("gives a misspelt route key the same did-you-mean as a source key", { timeout: 60_000 }, async () => {
    const file = join(dir, "rate-typo.json");
    const route = { id: "erp", events: ["*"], url: "https://erp.example", rateLimit: { perSec: 5 } };
    writeFileSync(file, JSON.stringify({ sources: { pix: { ...pix, dedupTtlSecond: 60 } }, routes: [route] }));
    const answer = await checkConfig([file, "--secrets", NO_SECRETS]);
    expect(answer.code).toBe(1);
    expect(answer.stderr).toContain('  - sources.pix: unknown key "dedupTtlSecond" (did you mean "dedupTtlSeconds"?)');
    expect(answer.stderr).toContain('  - routes[0].rateLimit: unknown key "perSec" (did you mean "perSecond"?)');
    expect(answer.stderr).not.toContain("received undefined");
  });
});
