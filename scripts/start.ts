/**
 * `npm start [-- --config FILE] [--fresh] [--https] [--port N] [--sink-port N]`: the gateway on
 * localhost with local KV and Queues (wrangler dev), on the demo config unless told otherwise,
 * and the demo sink that prints what is delivered. The config is checked first, so a bad one is
 * named now, not at the first request. The Worker gets only GATEWAY_CONFIG, the secrets the
 * config names and ADMIN_TOKEN (yours, or one generated per start and printed), through an
 * owner-only file in .wrangler/ passed with --env-file: never the shell's environment, never argv.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { join, resolve } from "node:path";
import { adminTokenProblem } from "../src/admin/token";
import { parseConfig } from "../src/config/load";
import { startDemoSink } from "./demo-sink";
import { readCommandLine } from "./lib/args";
import { devVarsFor, formatDevVars } from "./lib/dev-vars";
import { secretReader } from "./lib/dotvars";
import { flushMetricsBeforeStop } from "./lib/flush-on-stop";
import { applyLocalMigrations } from "./lib/local-d1";
import { configChangeNote, configRun, rememberConfigRun, wipeLocalState } from "./lib/local-state";
import { DEFAULT_CONFIG, DEFAULT_PORT, DEFAULT_SINK_PORT, routesToSink, startBanner, withSinkPort } from "./lib/start-banner";
import { wranglerDevArgs } from "./lib/wrangler-dev";

/** The bindings file for wrangler dev, in its git-ignored local state; removed when it stops. */
const DEV_VARS_FILE = resolve(".wrangler", "hookgate-start.vars");
const LOCAL = { root: "." };

const COMMAND = {
  help: `npm start [-- --config FILE] [--fresh] [--https] [--port N] [--sink-port N]

The gateway on your machine (wrangler dev, local KV, D1, Durable Objects and Queues) with the
demo sink, which prints every envelope delivered to it. The config is checked first.

  --config FILE     the gateway config to run (default ${DEFAULT_CONFIG}); the secrets it names
                    are read from the environment or .dev.vars
  --fresh           wipe the local state first (.wrangler/state: events, dead letters, dedup
                    markers, routes added through the admin API), as after a change of config
  --https           serve https with wrangler's self-signed certificate
  --port N          the gateway's port (default ${DEFAULT_PORT})
  --sink-port N     the demo sink's port (default 8789); the config's routes to 8789 follow it
  -h, --help        this text`,
  options: {
    config: { type: "string", default: DEFAULT_CONFIG },
    fresh: { type: "boolean", default: false },
    https: { type: "boolean", default: false },
    port: { type: "string", default: String(DEFAULT_PORT) },
    "sink-port": { type: "string", default: String(DEFAULT_SINK_PORT) },
  },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values } = readCommandLine(argv, COMMAND);
  const { config: configFile, https, fresh } = values;
  const GATEWAY_PORT = portOption("--port", values.port);
  const SINK_PORT = portOption("--sink-port", values["sink-port"]);
  if (GATEWAY_PORT === undefined || SINK_PORT === undefined) return 2;
  if (!existsSync(configFile)) {
    console.error(`no config file at ${configFile}`);
    return 2;
  }
  // With --sink-port, the demo sink's routes deliver to the sink where it now listens.
  const raw = withSinkPort(readFileSync(configFile, "utf8"), SINK_PORT);
  const read = secretReader();
  const loaded = parseConfig(raw, read, { localDev: true, file: configFile });
  if (!loaded.ok) {
    console.error(`${configFile}: the gateway config is invalid`);
    for (const problem of loaded.problems) console.error(`  - ${problem}`);
    return 1;
  }

  // Only what the config names, ADMIN_TOKEN and GATEWAY_CONFIG, in an owner-only file.
  const ownToken = read("ADMIN_TOKEN");
  const weakToken = ownToken ? adminTokenProblem(ownToken) : undefined;
  if (weakToken) console.warn(`hookgate: warning: ${weakToken}`);
  const adminToken = ownToken || randomBytes(24).toString("base64url");
  let devVars: string;
  try {
    // LOCAL_DEV: local development, where loopback targets (the demo sink) are allowed.
    devVars = formatDevVars({ ...devVarsFor({ config: raw, usedSecrets: loaded.usedSecrets, adminToken }), LOCAL_DEV: "1" });
  } catch (error) {
    console.error(`cannot pass the config to wrangler dev: ${(error as Error).message}`);
    return 1;
  }
  if (!prepareLocalState({ fresh, configFile, raw, devVars })) return 1;

  const sinkRoute = routesToSink(loaded.config, SINK_PORT)[0];
  const sink = await startDemoSink({ port: SINK_PORT, signingSecret: sinkRoute?.signingSecret });
  const banner = startBanner({
    configFile,
    config: loaded.config,
    https,
    gatewayPort: GATEWAY_PORT,
    sinkPort: SINK_PORT,
    ownToken: Boolean(ownToken),
    adminToken,
  });
  console.log(`${banner.join("\n")}\n`);
  const code = await runWrangler(GATEWAY_PORT, https ? "https" : "http", adminToken);
  sink.close();
  return code;
}

/**
 * Before wrangler dev starts: --fresh wipes the local state (else a note says when the config
 * changed since the last run), the bindings file is written, and the event log's schema is
 * applied to local D1 (wrangler dev does not; nothing to do when current).
 */
function prepareLocalState({ fresh, configFile, raw, devVars }: { fresh: boolean; configFile: string; raw: string; devVars: string }): boolean {
  if (fresh) console.log(`hookgate: local state ${wipeLocalState(LOCAL) ? "wiped" : "was already empty"} (--fresh)`);
  const run = configRun(configFile, raw);
  const changed = configChangeNote(LOCAL, run);
  if (changed) console.log(`hookgate: ${changed}`);
  mkdirSync(".wrangler", { recursive: true });
  rememberConfigRun(LOCAL, run);
  rmSync(DEV_VARS_FILE, { force: true });
  writeFileSync(DEV_VARS_FILE, devVars, { mode: 0o600, flag: "wx" });
  process.on("exit", () => rmSync(DEV_VARS_FILE, { force: true }));

  const migrated = applyLocalMigrations(wranglerEnvironment());
  if (!migrated.ok) {
    console.error(`hookgate: applying the event log's migrations to local state failed:\n${migrated.output}`);
    return false;
  }
  console.log(`hookgate: event log (local D1) ${migrated.upToDate ? "is up to date" : "migrated"}`);
  return true;
}

async function runWrangler(port: number, scheme: "http" | "https", adminToken: string): Promise<number> {
  const args = wranglerDevArgs({ port, scheme, envFile: DEV_VARS_FILE });
  // wrangler itself, not through npx. The Worker's bindings come from the file alone: with
  // --env-file, wrangler reads neither .dev.vars nor the process env. In its own process group
  // (detached), so Ctrl-C reaches this script alone, which writes the metrics first and then
  // stops wrangler; its interactive session is off, so it never reads the terminal.
  const wrangler = spawn(join("node_modules", ".bin", "wrangler"), args, {
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
    env: { ...wranglerEnvironment(), CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
  });
  const exited = new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const base = `${scheme}://127.0.0.1:${port}`;
    console.log(`hookgate: ${await flushMetricsBeforeStop({ base, adminToken, fetch: localFetch })}`);
    wrangler.kill("SIGINT");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Never left behind, whatever ends this script.
  process.on("exit", () => wrangler.exitCode === null && wrangler.kill("SIGINT"));
  return await exited;
}

/** A GET to the local gateway, which may serve wrangler's self-signed certificate (--https). */
function localFetch(url: string, init: { headers: Record<string, string>; signal: AbortSignal }): Promise<{ status: number }> {
  const requester = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = requester(url, { headers: init.headers, signal: init.signal, rejectUnauthorized: false }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

function wranglerEnvironment(): NodeJS.ProcessEnv {
  const { CLOUDFLARE_INCLUDE_PROCESS_ENV: _, ...environment } = process.env;
  return { ...environment, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
}

function portOption(name: string, value: string): number | undefined {
  const port = Number(value);
  if (/^\d+$/.test(value) && port >= 1 && port <= 65535) return port;
  console.error(`${name} takes a port number, not ${value}`);
  return undefined;
}

process.exitCode = await main(process.argv.slice(2));
