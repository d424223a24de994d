/**
 * `npm start [-- --config FILE] [--https] [--port N]`: the gateway on localhost with local KV and
 * Queues (wrangler dev), on the demo config unless told otherwise, and the demo sink that
 * prints what is delivered. The config is checked first, so a bad one is named now,
 * not at the first request.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../src/config/load";
import { startDemoSink } from "./demo-sink";
import { secretReader } from "./lib/dotvars";

const SINK_PORT = 8789;

async function main(argv: string[]): Promise<number> {
  const configAt = argv.indexOf("--config");
  const configFile = configAt >= 0 ? argv[configAt + 1] : "demo/config.json";
  const https = argv.includes("--https");
  const portAt = argv.indexOf("--port");
  const GATEWAY_PORT = portAt >= 0 ? Number(argv[portAt + 1]) : 8787;
  if (!Number.isInteger(GATEWAY_PORT) || GATEWAY_PORT < 1 || GATEWAY_PORT > 65535) {
    console.error(`--port takes a port number, not ${argv[portAt + 1] ?? "nothing"}`);
    return 2;
  }
  if (!configFile || !existsSync(configFile)) {
    console.error(`no config file at ${configFile ?? "(missing after --config)"}`);
    return 2;
  }
  const raw = readFileSync(configFile, "utf8");
  const loaded = parseConfig(raw, secretReader(), { localDev: true });
  if (!loaded.ok) {
    console.error(`${configFile}: the gateway config is invalid`);
    for (const problem of loaded.problems) console.error(`  - ${problem}`);
    return 1;
  }

  const sinkRoute = loaded.config.routes.find((r) => r.url.startsWith(`http://127.0.0.1:${SINK_PORT}`));
  const sink = await startDemoSink({ port: SINK_PORT, signingSecret: sinkRoute?.signingSecret });
  const scheme = https ? "https" : "http";
  console.log(`hookgate: config ${configFile} (${Object.keys(loaded.config.sources).join(", ")})`);
  console.log(`hookgate: demo sink on http://127.0.0.1:${SINK_PORT} prints every delivered envelope`);
  console.log(`hookgate: try, in another terminal:  npm run send -- bs2-boleto${https ? ` --url https://localhost:${GATEWAY_PORT} --insecure` : ""}\n`);

  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(GATEWAY_PORT),
    "--local-protocol",
    scheme,
    "--show-interactive-dev-session=false",
    // Local development: loopback targets (the demo sink) are allowed only with LOCAL_DEV.
    "--var",
    "LOCAL_DEV:1",
    "--var",
    `GATEWAY_CONFIG:${JSON.stringify(JSON.parse(raw))}`,
  ];
  // wrangler itself, not through npx, so a signal reaches it; and the environment goes to
  // the worker, so secrets checked above from the environment are there too.
  const wrangler = spawn(join("node_modules", ".bin", "wrangler"), args, {
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_INCLUDE_PROCESS_ENV: "true" },
  });
  const stop = () => wrangler.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  sink.close();
  return code;
}

process.exitCode = await main(process.argv.slice(2));
