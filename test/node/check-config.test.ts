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
