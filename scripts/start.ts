/**
 * `npm start [-- --config FILE] [--https] [--port N] [--sink-port N]`: the gateway on localhost
 * with local KV and Queues (wrangler dev), on the demo config unless told otherwise, and the
 * demo sink that prints what is delivered. The config is checked first, so a bad one is named
 * now, not at the first request. The Worker gets only GATEWAY_CONFIG, the secrets the config
 * names and ADMIN_TOKEN (yours, or one generated per start and printed), through an owner-only
 * file in .wrangler/ passed with --env-file: never the shell's environment, never argv.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { adminTokenProblem } from "../src/admin/token";
import { parseConfig } from "../src/config/load";
import { startDemoSink } from "./demo-sink";
import { devVarsFor, formatDevVars } from "./lib/dev-vars";
import { secretReader } from "./lib/dotvars";
import { applyLocalMigrations } from "./lib/local-d1";
import { wranglerDevArgs } from "./lib/wrangler-dev";

/** The bindings file for wrangler dev, in its git-ignored local state; removed when it stops. */
const DEV_VARS_FILE = resolve(".wrangler", "hookgate-start.vars");

async function main(argv: string[]): Promise<number> {
  const configAt = argv.indexOf("--config");
  const configFile = configAt >= 0 ? argv[configAt + 1] : "demo/config.json";
  const https = argv.includes("--https");
  const GATEWAY_PORT = portOption(argv, "--port", 8787);
  const SINK_PORT = portOption(argv, "--sink-port", 8789);
  if (GATEWAY_PORT === undefined || SINK_PORT === undefined) return 2;
  if (!configFile || !existsSync(configFile)) {
    console.error(`no config file at ${configFile ?? "(missing after --config)"}`);
    return 2;
  }
  const raw = readFileSync(configFile, "utf8");
  const read = secretReader();
  const loaded = parseConfig(raw, read, { localDev: true });
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
  mkdirSync(".wrangler", { recursive: true });
  rmSync(DEV_VARS_FILE, { force: true });
  writeFileSync(DEV_VARS_FILE, devVars, { mode: 0o600, flag: "wx" });
  process.on("exit", () => rmSync(DEV_VARS_FILE, { force: true }));

  // The event log's schema, applied to local state (wrangler dev does not): nothing to do when current.
  const migrated = applyLocalMigrations(wranglerEnvironment());
  if (!migrated.ok) {
    console.error(`hookgate: applying the event log's migrations to local state failed:\n${migrated.output}`);
    return 1;
  }
  console.log(`hookgate: event log (local D1) ${migrated.upToDate ? "is up to date" : "migrated"}`);

  const sinkRoute = loaded.config.routes.find((r) => r.url.startsWith(`http://127.0.0.1:${SINK_PORT}`));
  const sink = await startDemoSink({ port: SINK_PORT, signingSecret: sinkRoute?.signingSecret });
  const scheme = https ? "https" : "http";
  console.log(`hookgate: config ${configFile} (${Object.keys(loaded.config.sources).join(", ")})`);
  const base = `${scheme}://127.0.0.1:${GATEWAY_PORT}`;
  console.log(`hookgate: admin API ${base}/admin/routes, console ${base}/admin/console`);
  console.log(
    ownToken
      ? "hookgate: admin token: your ADMIN_TOKEN (from the environment or .dev.vars)"
      : `hookgate: admin token for this run: ${adminToken}  (set ADMIN_TOKEN in .dev.vars to choose your own)`,
  );
  console.log(`hookgate: demo sink on http://127.0.0.1:${SINK_PORT} prints every delivered envelope`);
  const sendUrl = https ? ` --url https://localhost:${GATEWAY_PORT} --insecure` : GATEWAY_PORT === 8787 ? "" : ` --url ${base}`;
  console.log(`hookgate: try, in another terminal:  npm run send -- bs2-boleto${sendUrl}\n`);

  const args = wranglerDevArgs({ port: GATEWAY_PORT, scheme, envFile: DEV_VARS_FILE });
  // wrangler itself, not through npx, so a signal reaches it. The Worker's bindings come from
  // the file alone: with --env-file, wrangler reads neither .dev.vars nor the process env.
  const wrangler = spawn(join("node_modules", ".bin", "wrangler"), args, {
    stdio: "inherit",
    env: { ...wranglerEnvironment(), CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
  });
  const stop = () => wrangler.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  sink.close();
  return code;
}

function wranglerEnvironment(): NodeJS.ProcessEnv {
  const { CLOUDFLARE_INCLUDE_PROCESS_ENV: _, ...environment } = process.env;
  return { ...environment, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
}

function portOption(argv: string[], name: string, fallback: number): number | undefined {
  const at = argv.indexOf(name);
  const port = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  console.error(`${name} takes a port number, not ${argv[at + 1] ?? "nothing"}`);
  return undefined;
}

process.exitCode = await main(process.argv.slice(2));
