import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { type Existing, idsInEnvironment, neededResources, planSetup, remainingSteps, renderEnvironment, withEnvironment } from "../../scripts/lib/setup-plan";

const run = promisify(execFile);
const WRANGLER_TOML = readFileSync("wrangler.toml", "utf8");

// The file as it stands, with strict dedup's Durable Object added (the event log's D1 is there).
/** The project's own wrangler.toml, with its strict-dedup Durable Object and migration. */
const TOML = WRANGLER_TOML;

const NONE: Existing = { kv: [], queues: [], d1: [] };
const ALL: Existing = {
  kv: [
    { title: "hookgate-dedup-staging", id: "0f2c9a11b7d84e6fa3c5d2e1f0a9b8c7" },
    { title: "hookgate-state-staging", id: "1a2b3c4d5e6f47819a0b1c2d3e4f5a6b" },
    { title: "hookgate-dedup-production", id: "99999999999999999999999999999999" },
  ],
  queues: ["hookgate-deliveries-staging", "hookgate-retries-staging", "hookgate-dead-letters-staging", "hookgate-reconcile-staging"],
  d1: [{ name: "hookgate-events-staging", uuid: "6b1f5c0e-3d2a-4e8b-9c7d-0a1b2c3d4e5f" }],
};

function idsOf(existing: Existing): Map<string, string> {
  return new Map([...existing.kv.map((k) => [k.title, k.id] as const), ...existing.d1.map((d) => [d.name, d.uuid] as const)]);
}

type Env = Record<string, unknown> & { kv_namespaces: { binding: string; id: string }[]; d1_databases: Record<string, string>[] };

function environmentOf(toml: string, name: string): Env {
  return (parse(toml) as { env: Record<string, Env> }).env[name]!;
}

describe("what an environment needs", () => {
  it("is every top-level KV namespace, queue and D1 database, named for the environment", () => {
    expect(neededResources(TOML, "staging")).toEqual([
      { kind: "kv", binding: "DEDUP", name: "hookgate-dedup-staging" },
      { kind: "kv", binding: "STATE", name: "hookgate-state-staging" },
      { kind: "d1", binding: "EVENTS", name: "hookgate-events-staging", migrationsDir: "migrations" },
      { kind: "queue", name: "hookgate-deliveries-staging" },
      { kind: "queue", name: "hookgate-retries-staging" },
      { kind: "queue", name: "hookgate-reconcile-staging" },
      { kind: "queue", name: "hookgate-dead-letters-staging" },
    ]);
    expect(neededResources(TOML, "production").map((r) => r.name)).toContain("hookgate-events-production");
  });

  it("creates only what the account does not have, and nothing on a second run", () => {
    const first = planSetup(neededResources(TOML, "production"), ALL);
    expect(first.filter((s) => s.action === "create").map((s) => s.resource.name)).toEqual([
      "hookgate-state-production",
      "hookgate-events-production",
      "hookgate-deliveries-production",
      "hookgate-retries-production",
      "hookgate-reconcile-production",
      "hookgate-dead-letters-production",
    ]);
    expect(first[0]).toMatchObject({ action: "exists", id: "99999999999999999999999999999999" });
    expect(planSetup(neededResources(TOML, "staging"), ALL).every((s) => s.action === "exists")).toBe(true);
  });
});

describe("writing the ids into wrangler.toml", () => {
  const written = withEnvironment(TOML, "staging", renderEnvironment(TOML, "staging", idsOf(ALL)));

  it("gives [env.staging] every binding with the environment's ids and names", () => {
    const staging = environmentOf(written, "staging");
    expect(staging.name).toBe("hookgate-staging");
    expect(staging.kv_namespaces).toEqual([
      { binding: "DEDUP", id: "0f2c9a11b7d84e6fa3c5d2e1f0a9b8c7" },
      { binding: "STATE", id: "1a2b3c4d5e6f47819a0b1c2d3e4f5a6b" },
    ]);
    expect(staging.d1_databases).toEqual([
      { binding: "EVENTS", database_name: "hookgate-events-staging", database_id: "6b1f5c0e-3d2a-4e8b-9c7d-0a1b2c3d4e5f", migrations_dir: "migrations" },
    ]);
    expect(staging.queues).toMatchObject({
      producers: [
        { binding: "DELIVERIES", queue: "hookgate-deliveries-staging" },
        { binding: "DELIVERY_RETRIES", queue: "hookgate-retries-staging" },
        { binding: "RECONCILE", queue: "hookgate-reconcile-staging" },
      ],
      consumers: [
        { queue: "hookgate-deliveries-staging", dead_letter_queue: "hookgate-dead-letters-staging", max_retries: 5, retry_delay: 60 },
        { queue: "hookgate-retries-staging", dead_letter_queue: "hookgate-dead-letters-staging", max_retries: 5, retry_delay: 60 },
        { queue: "hookgate-dead-letters-staging", max_retries: 100 },
        { queue: "hookgate-reconcile-staging", max_batch_size: 1 },
      ],
    });
    expect(staging.durable_objects).toEqual({
      bindings: [
        { name: "LEDGER", class_name: "Ledger" },
        { name: "STRICT_DEDUP", class_name: "StrictDedup" },
        { name: "ROUTE_GOVERNOR", class_name: "RouteGovernor" },
      ],
    });
    expect(staging.vars).toEqual({ DEAD_LETTER_QUEUE: "hookgate-dead-letters-staging", RECONCILE_QUEUE: "hookgate-reconcile-staging" });
  });

  it("leaves the rest of the file as it was, comments included", () => {
    expect(written.startsWith(TOML.trimEnd())).toBe(true);
    const { env: _, ...top } = parse(written) as Record<string, unknown>;
    expect(top).toEqual(parse(TOML));
  });

  it("changes nothing when run again, with the ids from the account or from the file", () => {
    expect(withEnvironment(written, "staging", renderEnvironment(written, "staging", idsOf(ALL)))).toBe(written);
    expect(withEnvironment(written, "staging", renderEnvironment(written, "staging", idsInEnvironment(written, "staging")))).toBe(written);
  });

  it("replaces an environment's ids in place and keeps the other environment", () => {
    const production = idsOf({
      ...NONE,
      kv: [
        { title: "hookgate-dedup-production", id: "p1" },
        { title: "hookgate-state-production", id: "p2" },
      ],
      d1: [{ name: "hookgate-events-production", uuid: "p3" }],
    });
    const both = withEnvironment(written, "production", renderEnvironment(written, "production", production));
    const moved = new Map(idsOf(ALL)).set("hookgate-dedup-staging", "new-id");
    const again = withEnvironment(both, "staging", renderEnvironment(both, "staging", moved));
    expect(environmentOf(again, "staging").kv_namespaces[0]).toEqual({ binding: "DEDUP", id: "new-id" });
    expect(environmentOf(again, "production").d1_databases[0]!.database_id).toBe("p3");
    expect(again.match(/^\[env\.staging\]$/gm)).toHaveLength(1);
  });

  it("keeps a custom domain once given", () => {
    const withDomain = withEnvironment(written, "staging", renderEnvironment(written, "staging", idsOf(ALL), "hooks-staging.example.com"));
    expect(environmentOf(withDomain, "staging").routes).toEqual([{ pattern: "hooks-staging.example.com", custom_domain: true }]);
    expect(withEnvironment(withDomain, "staging", renderEnvironment(withDomain, "staging", idsOf(ALL)))).toBe(withDomain);
    expect(remainingSteps(withDomain, "staging").join("\n")).not.toContain("--domain");
    expect(remainingSteps(written, "staging").join("\n")).toContain("--domain");
  });

  it("exports logs and traces to the OTLP destinations named, and keeps them once given", () => {
    const named = withEnvironment(
      written,
      "staging",
      renderEnvironment(written, "staging", idsOf(ALL), undefined, { logs: "otel-logs", traces: "otel-traces" }),
    );
    expect(environmentOf(named, "staging").observability).toEqual({
      enabled: true,
      logs: { enabled: true, head_sampling_rate: 1, invocation_logs: false, destinations: ["otel-logs"] },
      traces: { enabled: true, head_sampling_rate: 0.1, destinations: ["otel-traces"] },
    });
    expect(withEnvironment(named, "staging", renderEnvironment(named, "staging", idsOf(ALL)))).toBe(named);
    expect(environmentOf(written, "staging").observability).toBeUndefined();
    expect(remainingSteps(written, "staging").join("\n")).toContain("--otlp-logs NAME --otlp-traces NAME");
    expect(remainingSteps(named, "staging").join("\n")).not.toContain("--otlp-logs");
    // Only logs: the traces block is not written.
    const logsOnly = withEnvironment(written, "staging", renderEnvironment(written, "staging", idsOf(ALL), undefined, { logs: "otel-logs" }));
    expect(environmentOf(logsOnly, "staging").observability).not.toHaveProperty("traces");
  });

  it("says what is left: secrets, the D1 migrations, deploying (with the Durable Object migration), mTLS", () => {
    const steps = remainingSteps(TOML, "production").join("\n");
    expect(steps).toContain("npx wrangler secret put GATEWAY_CONFIG --env production");
    expect(steps).toContain("npx wrangler d1 migrations apply EVENTS --remote --env production");
    expect(steps).toContain("npx wrangler deploy --env production");
    expect(steps).toContain("StrictDedup");
    expect(steps).toContain("docs/mtls.md");
  });

  it("is a configuration wrangler itself accepts for that environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hookgate-setup-"));
    const file = join(dir, "wrangler.toml");
    const ids = idsOf(ALL);
    const toml = WRANGLER_TOML.replace('main = "src/index.ts"', `main = ${JSON.stringify(resolve("src/index.ts"))}`);
    writeFileSync(file, withEnvironment(toml, "staging", renderEnvironment(toml, "staging", ids, undefined, { logs: "otel-logs", traces: "otel-traces" })));
    const { stdout, stderr } = await run(
      process.execPath,
      ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--env", "staging", "-c", file, "--outdir", join(dir, "dist")],
      {
        env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", HOME: dir },
      },
    );
    expect(stdout).toContain("0f2c9a11b7d84e6fa3c5d2e1f0a9b8c7");
    expect(stdout).toContain("hookgate-deliveries-staging");
    expect(stdout).toContain("hookgate-dead-letters-staging");
    expect(stdout).toMatch(/env\.EVENTS \(hookgate-events-staging\)\s+D1 Database/);
    expect(stdout + stderr).not.toMatch(/observability/i);
  }, 60_000);
});

describe("npm run setup, without a Cloudflare account", () => {
  const dir = mkdtempSync(join(tmpdir(), "hookgate-setup-cli-"));
  const file = join(dir, "wrangler.toml");
  writeFileSync(file, TOML);
  const setup = (...args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/setup.ts", ...args, "--config", file], {
      env: { ...process.env, HOME: dir, CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    });

  it("--dry-run prints every resource it would create and the block it would write, and touches nothing", async () => {
    const { stdout } = await setup("--env", "production", "--dry-run");
    expect(stdout).toContain("not logged in: planned from the file alone");
    expect(stdout).toContain("create KV namespace hookgate-dedup-production: wrangler kv namespace create hookgate-dedup-production");
    expect(stdout).toContain("create queue hookgate-dead-letters-production: wrangler queues create hookgate-dead-letters-production");
    expect(stdout).toContain("create D1 database hookgate-events-production: wrangler d1 create hookgate-events-production");
    expect(stdout).toContain('database_id = "<id of hookgate-events-production>"');
    expect(stdout).toContain("npx wrangler deploy --env production");
    expect(readFileSync(file, "utf8")).toBe(TOML);
  }, 30_000);

  it("--otlp-logs and --otlp-traces write the environment's observability block; a name that is not one is refused", async () => {
    const { stdout } = await setup("--env", "staging", "--dry-run", "--otlp-logs", "grafana-logs", "--otlp-traces", "grafana-traces");
    expect(stdout).toContain("[env.staging.observability.logs]");
    expect(stdout).toContain('destinations = ["grafana-logs"]');
    expect(stdout).toContain('destinations = ["grafana-traces"]');
    expect(stdout).toContain("must exist in the dashboard");
    expect(readFileSync(file, "utf8")).toBe(TOML);
    const failure = await setup("--env", "staging", "--dry-run", "--otlp-logs", '"; evil = "1').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.stderr).toContain("--otlp-logs takes the name of a destination");
  }, 30_000);

  it("without --dry-run, asks for a login and changes nothing", async () => {
    const failure = await setup("--env", "staging").then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain("npx wrangler login");
    expect(readFileSync(file, "utf8")).toBe(TOML);
  }, 30_000);

  it("refuses an environment it does not know", async () => {
    const failure = await setup("--env", "prod", "--dry-run").then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.stderr).toContain("--env must be one of staging, production");
  }, 30_000);
});
