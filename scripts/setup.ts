/**
 * `npm run setup -- --env staging|production [--domain hooks.example.com] [--otlp-logs NAME] [--otlp-traces NAME] [--dry-run] [--config wrangler.toml]`
 *
 * With your wrangler login (`npx wrangler login`), creates what the environment needs (KV
 * namespaces, queues, D1 database; the Durable Object needs only the deploy), writes their
 * ids into `[env.NAME]` of wrangler.toml, and prints what is left to do. A second run finds
 * everything and changes nothing. `--dry-run` prints what it would do and touches nothing;
 * without a login it plans from wrangler.toml alone. `--otlp-logs` and `--otlp-traces` name the
 * OpenTelemetry destinations (made in the dashboard) the environment exports its logs and traces to.
 * `--per-day N` prints what that volume needs (ledger shards, delivery queues, days of event log,
 * storage, cost: scripts/lib/sizing.ts), and with `--per-day` alone only that.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { readCommandLine } from "./lib/args";
import { queueToml } from "./lib/queue-sizing";
import {
  createCommand,
  describeStep,
  domainInEnvironment,
  ENVIRONMENTS,
  type Environment,
  type Existing,
  idsInEnvironment,
  neededResources,
  planSetup,
  remainingSteps,
  renderEnvironment,
  type Telemetry,
  telemetryInEnvironment,
  withEnvironment,
} from "./lib/setup-plan";
import { describeSizing, perDayOf, size } from "./lib/sizing";

const wranglerBin = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

function wrangler(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [wranglerBin, ...args], { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  return { ok: run.status === 0, stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}

function json<T>(text: string): T {
  const start = text.indexOf("[");
  const stop = text.lastIndexOf("]");
  if (start < 0 || stop < start) throw new Error(`wrangler printed no list: ${text.slice(0, 200)}`);
  return JSON.parse(text.slice(start, stop + 1)) as T;
}

function loggedIn(): boolean {
  const who = wrangler(["whoami"]);
  return who.ok && !/not authenticated/i.test(who.stdout + who.stderr);
}

function listExisting(queueNames: string[]): Existing {
  const kv = wrangler(["kv", "namespace", "list"]);
  const d1 = wrangler(["d1", "list", "--json"]);
  if (!kv.ok || !d1.ok) throw new Error(`could not list the account's resources: ${(kv.stderr || d1.stderr).slice(0, 300)}`);
  return {
    kv: json<{ id: string; title: string }[]>(kv.stdout),
    d1: json<{ uuid: string; name: string }[]>(d1.stdout),
    queues: queueNames.filter((name) => wrangler(["queues", "info", name]).ok),
  };
}

const COMMAND = {
  help: `npm run setup -- [--env staging|production] [--domain HOST] [--otlp-logs NAME] [--otlp-traces NAME] [--dry-run] [--config wrangler.toml]

With your wrangler login (\`npx wrangler login\`), creates what the environment needs (KV
namespaces, queues, D1 database), writes their ids into [env.NAME] of wrangler.toml, and prints
what is left to do. A second run finds everything and changes nothing.

  --env NAME        staging (default) or production
  --domain HOST     the gateway's hostname, such as hooks.example.com (a custom domain route)
  --otlp-logs NAME  export the Worker's logs to this OpenTelemetry destination (made in the dashboard)
  --otlp-traces NAME  export its traces to this destination
  --dry-run         print what it would do and touch nothing; without a login it plans from
                    wrangler.toml alone
  --config FILE     the wrangler config to write (default wrangler.toml)
  --per-day N       the notifications a day expected (10000000 or 10M): prints the ledger shards,
                    delivery queues, days of event log, storage and cost that volume needs
                    (docs/deploy.md, "Sizing"), and the wrangler.toml blocks of its delivery
                    queues and their consumers; given alone, only that
  --routes N        with --per-day: the routes a notification matches on average (default 1);
                    each is one more queue message
  -h, --help        this text`,
  options: {
    env: { type: "string", default: "staging" },
    domain: { type: "string" },
    "otlp-logs": { type: "string" },
    "otlp-traces": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    config: { type: "string", default: "wrangler.toml" },
    "per-day": { type: "string" },
    routes: { type: "string" },
  },
} as const;

function setupArgs(argv: string[]) {
  const { values } = readCommandLine(argv, COMMAND);
  const { env, domain } = values;
  if (!(ENVIRONMENTS as readonly string[]).includes(env)) throw new Error(`--env must be one of ${ENVIRONMENTS.join(", ")}`);
  if (domain !== undefined && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) throw new Error("--domain takes a hostname, such as hooks.example.com");
  const telemetry: Telemetry = { logs: values["otlp-logs"], traces: values["otlp-traces"] };
  const perDay = values["per-day"] === undefined ? undefined : perDayOf(values["per-day"]);
  if (perDay === null) throw new Error(`--per-day takes a whole number of notifications a day, such as 10000000 (or 10M), not ${values["per-day"]}`);
  const routes = values.routes === undefined ? 1 : Number(values.routes);
  if (!Number.isFinite(routes) || routes < 1 || routes > 100)
    throw new Error(`--routes takes the routes a notification matches on average, 1 to 100, not ${values.routes}`);
  const sizing = (arg: string, i: number) => /^--(per-day|routes)/.test(arg) || ["--per-day", "--routes"].includes(argv[i - 1] ?? "");
  const sizingOnly = perDay !== undefined && argv.every(sizing);
  for (const [flag, name] of [
    ["--otlp-logs", telemetry.logs],
    ["--otlp-traces", telemetry.traces],
  ] as const) {
    if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name)) throw new Error(`${flag} takes the name of a destination made in the dashboard`);
  }
  return { env: env as Environment, dryRun: values["dry-run"], file: values.config, domain, telemetry, perDay, routes, sizingOnly };
}

function main(argv: string[]): number {
  const { env, dryRun, file, domain: given, telemetry: named, perDay, routes, sizingOnly } = setupArgs(argv);
  if (perDay !== undefined) {
    // The defaults' sizing (16-shard steps, a 30-day log, 7 days of dedup); check-config --per-day sizes a config.
    const sizing = size({ perDay, routes });
    for (const line of describeSizing(sizing)) console.log(line);
    console.log(
      `\nwrangler.toml's delivery queues and consumers for this volume (replace the consumers of hookgate-deliveries and hookgate-retries):\n\n${queueToml(sizing.queuePlan)}`,
    );
    if (sizingOnly) return 0;
    console.log("");
  }
  const toml = readFileSync(file, "utf8");
  const kept = telemetryInEnvironment(toml, env);
  const telemetry: Telemetry = { logs: named.logs ?? kept.logs, traces: named.traces ?? kept.traces };
  const needed = neededResources(toml, env);
  const domain = given ?? domainInEnvironment(toml, env);
  const queueNames = needed.filter((r) => r.kind === "queue").map((r) => r.name);
  const online = loggedIn();
  if (!online && !dryRun) {
    console.error("not logged in to Cloudflare: run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN)");
    return 1;
  }
  const known = idsInEnvironment(toml, env);
  const existing: Existing = online
    ? listExisting(queueNames)
    : { kv: [...known].map(([title, id]) => ({ title, id })), d1: [...known].map(([name, uuid]) => ({ name, uuid })), queues: [] };

  console.log(`${dryRun ? "[dry run] " : ""}setting up environment "${env}" in ${file}${online ? "" : " (not logged in: planned from the file alone)"}`);
  const steps = planSetup(needed, existing);
  for (const step of steps) console.log(`  ${describeStep(step)}`);

  const ids = new Map<string, string>();
  for (const step of steps) if (step.action === "exists" && step.id) ids.set(step.resource.name, step.id);
  const toCreate = steps.filter((s) => s.action === "create");
  if (dryRun) {
    for (const step of toCreate) if (step.resource.kind !== "queue") ids.set(step.resource.name, `<id of ${step.resource.name}>`);
  } else if (toCreate.length > 0) {
    for (const step of toCreate) {
      const run = wrangler(createCommand(step.resource));
      if (!run.ok) throw new Error(`wrangler ${createCommand(step.resource).join(" ")} failed: ${run.stderr.slice(0, 300)}`);
    }
    for (const step of planSetup(needed, listExisting(queueNames))) {
      if (step.action !== "exists") throw new Error(`${step.resource.name} was created but is not listed yet; run setup again`);
      if (step.id) ids.set(step.resource.name, step.id);
    }
  }

  const block = renderEnvironment(toml, env, ids, domain, telemetry);
  const updated = withEnvironment(toml, env, block);
  if (updated === toml) console.log(`${file}: [env.${env}] is up to date`);
  else if (dryRun) console.log(`would write [env.${env}] into ${file}:\n\n${block}`);
  else {
    writeFileSync(file, updated);
    console.log(`${file}: wrote [env.${env}]`);
  }

  console.log("\nThen:");
  for (const [i, step] of remainingSteps(updated, env, domain).entries()) console.log(`  ${i + 1}. ${step}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
