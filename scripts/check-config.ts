/**
 * `npm run check-config -- FILE [--local] [--secrets FILE]`: the answer the gateway gives a
 * config, offline. Secrets named by `{"secret": "NAME"}` are read from the environment and from
 * a dotenv-style file (`.dev.vars` by default, when present); a missing one is reported by path
 * and name, exactly as the worker would. Loopback route targets pass only as `npm start` runs
 * the Worker: with `--local`, or LOCAL_DEV=1 in the environment or that file; refused, the
 * answer says so. An `mtls` block that pins nothing is warned about.
 */
import { existsSync, readFileSync } from "node:fs";
import { adminTokenProblem } from "../src/admin/token";
import { parseConfig } from "../src/config/load";
import { configWarnings, environmentNotes, localRelaxations } from "../src/config/warnings";
import { isLocalDev } from "../src/net/targets";
import { readCommandLine, usageOf } from "./lib/args";
import { secretReader } from "./lib/dotvars";
import { configuredQueues } from "./lib/queue-sizing";
import { describeSizing, perDayOf, sizeForConfig, sizingWarnings } from "./lib/sizing";

const COMMAND = {
  help: `npm run check-config -- FILE [--local] [--secrets FILE]

The verdict the gateway gives the config FILE, offline: every problem by JSON path, and each
secret it names that has no value (by name, never a value).

  --local           check it as \`npm start\` runs it: loopback route targets (the demo sink,
                    http://127.0.0.1:...) are allowed, as LOCAL_DEV=1 allows them. Without it,
                    and without LOCAL_DEV=1 in the environment or the secrets file, the verdict
                    is a deployed gateway's, which refuses them
  --secrets FILE    where {"secret": "NAME"} values are read, after the environment
                    (default .dev.vars, when present)
  --per-day N       the notifications a day expected: prints the ledger shards, delivery queues,
                    days of event log, storage and cost that volume needs, and warns when the
                    config's ledger.shards or eventLog.retentionDays do not fit it, or the
                    delivery queues and consumers of the wrangler.toml (--wrangler) are too few
  --routes N        with --per-day: the routes a notification matches on average (default 1)
  --wrangler FILE   with --per-day: the wrangler config whose queues are checked (default
                    wrangler.toml, when present)
  -h, --help        this text

Exit code: 0 when the config is valid, 1 when it is not, 2 for a mistake in the command.

Examples
  npm run check-config -- demo/config.json --local
  npm run check-config -- prod.json --secrets prod.vars
  npm run check-config -- prod.json --per-day 10000000`,
  options: {
    local: { type: "boolean", default: false },
    secrets: { type: "string", default: ".dev.vars" },
    "per-day": { type: "string" },
    routes: { type: "string" },
    wrangler: { type: "string", default: "wrangler.toml" },
  },
  maxPositionals: 1,
} as const;

function main(argv: string[]): number {
  const { values, positionals } = readCommandLine(argv, COMMAND);
  const file = positionals[0];
  const perDay = values["per-day"] === undefined ? undefined : perDayOf(values["per-day"]);
  if (perDay === null) {
    console.error(`--per-day takes a whole number of notifications a day, such as 10000000 (or 10M), not ${values["per-day"]}`);
    return 2;
  }
  const routesPerNotification = values.routes === undefined ? 1 : Number(values.routes);
  if (!Number.isFinite(routesPerNotification) || routesPerNotification < 1 || routesPerNotification > 100) {
    console.error(`--routes takes the routes a notification matches on average, 1 to 100, not ${values.routes}`);
    return 2;
  }
  if (!file) {
    console.error(`a config FILE is needed\n\nusage: ${usageOf(COMMAND.help)}`);
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`${file}: no such file`);
    return 2;
  }
  // LOCAL_DEV (environment or secrets file) as the Worker reads it: loopback targets need it.
  const read = secretReader(values.secrets);
  const local = values.local || isLocalDev(read("LOCAL_DEV"));
  const text = readFileSync(file, "utf8");
  const loaded = parseConfig(text, read, { localDev: local, file });
  if (!loaded.ok) {
    console.error(`${file}: the gateway config is invalid`);
    for (const problem of loaded.problems) console.error(`  - ${problem}`);
    const asLocal = local ? loaded : parseConfig(text, read, { localDev: true, file });
    // The same warnings either way: what is wrong besides the loopback targets is still said.
    if (asLocal.ok) for (const warning of configWarnings(asLocal.config)) console.warn(`warning: ${warning}`);
    if (!local && onlyLocally(asLocal.ok ? [] : asLocal.problems, loaded.problems)) {
      console.error(
        `hint: loopback targets are for local development. \`npm run check-config -- ${file} --local\` checks the config as \`npm start\` runs it; a deployed gateway needs public https targets`,
      );
    }
    return 1;
  }
  const { sources, routes } = loaded.config;
  for (const warning of configWarnings(loaded.config)) console.warn(`warning: ${warning}`);
  const adminToken = read("ADMIN_TOKEN");
  const weakToken = adminToken ? adminTokenProblem(adminToken) : undefined;
  if (weakToken) console.warn(`warning: ${weakToken}`);
  if (!adminToken) console.warn(`note: ${noAdminTokenNote(local, values.secrets)}`);
  for (const note of environmentNotes({ EVENT_LOG_FLUSH_MS: read("EVENT_LOG_FLUSH_MS") })) console.warn(`note: ${note}`);
  if (local) for (const relaxed of localRelaxations(loaded.config)) console.warn(`local: ${relaxed}`);
  const how = local ? ", as `npm start` runs it: loopback targets allowed" : "";
  console.log(`${file}: ok (${Object.keys(sources).length} sources, ${routes.length} routes, ${loaded.usedSecrets.size} secrets${how})`);
  if (perDay !== undefined) {
    const sizing = sizeForConfig(loaded.config, perDay, routesPerNotification);
    for (const line of describeSizing(sizing)) console.log(line);
    const queues = existsSync(values.wrangler) ? configuredQueues(readFileSync(values.wrangler, "utf8")) : undefined;
    for (const warning of sizingWarnings(loaded.config, sizing, queues)) console.warn(`warning: ${warning}`);
  }
  return 0;
}

/** Without ADMIN_TOKEN the admin API, the console and the metrics are off: said, not left to a 404. */
function noAdminTokenNote(local: boolean, secretsFile: string): string {
  const off = "no ADMIN_TOKEN is set, so the admin API, the console (/admin/console) and the metrics (/admin/metrics) answer 404";
  return local
    ? `${off}; \`npm start\` generates one per start and prints it (set ADMIN_TOKEN in ${secretsFile} or the environment to keep your own)`
    : `${off}: \`wrangler secret put ADMIN_TOKEN\` (32 characters or more) turns them on`;
}

/** Some of the problems are loopback targets, which `npm start` allows. */
function onlyLocally(localProblems: string[], problems: string[]): boolean {
  const remaining = new Set(localProblems);
  return problems.some((problem) => !remaining.has(problem));
}

process.exitCode = main(process.argv.slice(2));
