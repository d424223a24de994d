import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const schema = JSON.parse(readFileSync("schema/config.schema.json", "utf8"));
const demo = JSON.parse(readFileSync("demo/config.json", "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

function errorsOf(document: unknown) {
  validate(document);
  return (validate.errors ?? []).map((e) => ({ at: e.instancePath, message: e.message, params: e.params }));
}

describe("schema/config.schema.json, read by a standard JSON Schema validator as an editor would", () => {
  it("accepts the demo config, $schema and all", () => {
    expect(errorsOf(demo)).toEqual([]);
  });

  it('accepts {"secret": "NAME"} wherever a string goes', () => {
    const config = {
      sources: { acme: { provider: "generic", auth: [{ type: "basic", username: { secret: "ACME_USER" }, password: { secret: "ACME_PASSWORD" } }] } },
    };
    expect(errorsOf(config)).toEqual([]);
  });

  it("flags the dedupTtlSecond typo at its source", () => {
    const config = structuredClone(demo);
    config.sources["bs2-boleto"].dedupTtlSecond = 3600;
    expect(errorsOf(config)).toContainEqual({
      at: "/sources/bs2-boleto",
      message: "must NOT have additional properties",
      params: { additionalProperty: "dedupTtlSecond" },
    });
  });

  it("flags a wrong type and a value out of range", () => {
    const config = structuredClone(demo);
    config.sources.pix.maxBodyBytes = 20 * 1024 * 1024;
    config.routes[0].method = "PATCH";
    const at = errorsOf(config).map((e) => e.at);
    expect(at).toContain("/sources/pix/maxBodyBytes");
    expect(at).toContain("/routes/0/method");
  });
});

describe("npm run check-config", () => {
  const dir = mkdtempSync(join(tmpdir(), "hookgate-check-config-"));

  it("refuses a config with an unknown key, naming its path, with exit code 1", async () => {
    const file = join(dir, "typo.json");
    const config = structuredClone(demo);
    config.sources["bs2-boleto"].dedupTtlSecond = 3600;
    writeFileSync(file, JSON.stringify(config));
    const failure = await run("npx", ["tsx", "scripts/check-config.ts", file]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('sources.bs2-boleto: unknown key "dedupTtlSecond" (did you mean "dedupTtlSeconds"?)');
  });

  it("says when the ADMIN_TOKEN it can see would leave the admin API off", async () => {
    const secrets = join(dir, "weak.vars");
    writeFileSync(secrets, "ADMIN_TOKEN=change-me-to-a-long-random-string\n");
    const weak = await run("npx", ["tsx", "scripts/check-config.ts", "demo/config.json", "--secrets", secrets], { env: { ...process.env, LOCAL_DEV: "1" } });
    expect(weak.stderr).toContain("warning: ADMIN_TOKEN is the example file's placeholder");
    expect(weak.stderr).toContain("the admin API and console answer 503 admin_disabled");
    writeFileSync(secrets, `ADMIN_TOKEN=${"k".repeat(40)}\n`);
    const strong = await run("npx", ["tsx", "scripts/check-config.ts", "demo/config.json", "--secrets", secrets], { env: { ...process.env, LOCAL_DEV: "1" } });
    expect(strong.stderr).not.toContain("ADMIN_TOKEN");
  });

  it("accepts the demo config, a local-development one (its sink is on 127.0.0.1)", async () => {
    const { stdout } = await run("npx", ["tsx", "scripts/check-config.ts", "demo/config.json"], { env: { ...process.env, LOCAL_DEV: "1" } });
    expect(stdout).toContain(`demo/config.json: ok (${Object.keys(demo.sources).length} sources, ${demo.routes.length} routes`);
  });
});
