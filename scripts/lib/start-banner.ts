/**
 * What `npm start` prints once the config is checked: the config and its sources, where the
 * admin API and the console are, the admin token, the demo sink, and a `npm run send` line
 * that works with the config it runs. Pure, so the tests check it for the demo and for a
 * team's own config.
 */
import type { GatewayConfig } from "../../src/config/schema";
import { sendObstacle } from "../send/obstacles";

export const DEFAULT_CONFIG = "demo/config.json";
/** Where the demo config's sink routes deliver. */
export const DEFAULT_SINK_PORT = 8789;
export const DEFAULT_PORT = 8787;

export interface BannerInput {
  configFile: string;
  config: GatewayConfig;
  https: boolean;
  gatewayPort: number;
  sinkPort: number;
  /** ADMIN_TOKEN came from the environment or .dev.vars; else `adminToken` was generated. */
  ownToken: boolean;
  adminToken: string;
}

export function startBanner(input: BannerInput): string[] {
  const { configFile, config, https, gatewayPort, sinkPort } = input;
  const base = `${https ? "https" : "http"}://127.0.0.1:${gatewayPort}`;
  const names = Object.keys(config.sources);
  const sink = `http://127.0.0.1:${sinkPort}`;
  const sinkRoutes = routesToSink(config, sinkPort).map((route) => route.id);
  return [
    `hookgate: config ${configFile} (sources: ${names.join(", ") || "none"})`,
    `hookgate: admin API ${base}/admin/routes, console ${base}/admin/console`,
    input.ownToken
      ? "hookgate: admin token: your ADMIN_TOKEN (from the environment or .dev.vars)"
      : `hookgate: admin token for this run: ${input.adminToken}  (set ADMIN_TOKEN in .dev.vars to choose your own)`,
    sinkRoutes.length > 0
      ? `hookgate: demo sink on ${sink} prints every envelope delivered to it (route${sinkRoutes.length > 1 ? "s" : ""} ${sinkRoutes.join(", ")})`
      : `hookgate: demo sink on ${sink}: no route of ${configFile} delivers to it (point one at ${sink}/events to see deliveries here)`,
    "hookgate: Ctrl-C first writes the metrics counted in the last 10 s to local D1, so the next run counts every delivery",
    ...sendLines(input, names),
  ];
}

/** The suggestion: the first source the simulator can authenticate for, with the flags this run needs. */
function sendLines({ configFile, config, https, gatewayPort }: BannerInput, names: string[]): string[] {
  const ready = names.find((name) => sendObstacle(config.sources[name]!, { jwtKey: false }) === undefined);
  const name = ready ?? names[0];
  if (name === undefined) return ["hookgate: the config has no source to send to"];
  const flags = [
    configFile === DEFAULT_CONFIG ? "" : ` --config ${configFile}`,
    https ? ` --url https://localhost:${gatewayPort} --insecure` : gatewayPort === DEFAULT_PORT ? "" : ` --url http://127.0.0.1:${gatewayPort}`,
  ].join("");
  const lines = [`hookgate: try, in another terminal:  npm run send -- ${name}${flags}`];
  if (ready === undefined) lines.push(`hookgate:   (${name}: ${sendObstacle(config.sources[name]!, { jwtKey: false })})`);
  return lines;
}

/**
 * The config text with every route that delivers to the demo sink's default port moved to
 * `sinkPort` (`npm start -- --sink-port N`), so the sink on N gets what the demo routes deliver.
 * Unchanged when the port is the default or the text is not a JSON object with routes.
 */
export function withSinkPort(raw: string, sinkPort: number): string {
  if (sinkPort === DEFAULT_SINK_PORT) return raw;
  let config: { routes?: { url?: unknown }[] };
  try {
    config = JSON.parse(raw);
  } catch {
    return raw;
  }
  if (!Array.isArray(config.routes)) return raw;
  let moved = false;
  for (const route of config.routes) {
    if (typeof route?.url !== "string" || !isSink(route.url, DEFAULT_SINK_PORT)) continue;
    const url = new URL(route.url);
    url.port = String(sinkPort);
    route.url = url.toString();
    moved = true;
  }
  return moved ? JSON.stringify(config, null, 2) : raw;
}

/** The routes that deliver to the demo sink on this run's port. */
export function routesToSink(config: GatewayConfig, sinkPort: number): GatewayConfig["routes"] {
  return config.routes.filter((route) => isSink(route.url, sinkPort));
}

function isSink(url: string, sinkPort: number): boolean {
  try {
    const target = new URL(url);
    return ["127.0.0.1", "localhost"].includes(target.hostname) && target.port === String(sinkPort);
  } catch {
    return false;
  }
}
