/**
 * `npm run check-config -- FILE [--secrets FILE]`: the answer the gateway gives a config,
 * offline. Secrets named by `{"secret": "NAME"}` are read from the environment and from a
 * dotenv-style file (`.dev.vars` by default, when present); a missing one is reported by
 * path and name, exactly as the worker would. Loopback route targets pass only with LOCAL_DEV=1
 * (as `npm start` runs the Worker); an `mtls` block that pins nothing is warned about.
 */
import { existsSync, readFileSync } from "node:fs";
import { parseConfig } from "../src/config/load";
import { configWarnings, environmentNotes } from "../src/config/warnings";
import { isLocalDev } from "../src/net/targets";
import { secretReader } from "./lib/dotvars";

function main(argv: string[]): number {
  const args = [...argv];
  const secretsAt = args.indexOf("--secrets");
  const secretsFile = secretsAt >= 0 ? args.splice(secretsAt, 2)[1] : ".dev.vars";
  const file = args[0];
  if (!file) {
    console.error("usage: npm run check-config -- FILE [--secrets FILE]");
    return 2;
  }
  if (!existsSync(file)) {
    console.error(`${file}: no such file`);
    return 2;
  }
  // LOCAL_DEV (environment or secrets file) as the Worker reads it: loopback targets need it.
  const read = secretReader(secretsFile);
  const loaded = parseConfig(readFileSync(file, "utf8"), read, { localDev: isLocalDev(read("LOCAL_DEV")) });
  if (!loaded.ok) {
    console.error(`${file}: the gateway config is invalid`);
    for (const problem of loaded.problems) console.error(`  - ${problem}`);
    return 1;
  }
  const { sources, routes } = loaded.config;
  for (const warning of configWarnings(loaded.config)) console.warn(`warning: ${warning}`);
  for (const note of environmentNotes({ EVENT_LOG_FLUSH_MS: read("EVENT_LOG_FLUSH_MS") })) console.warn(`note: ${note}`);
  console.log(`${file}: ok (${Object.keys(sources).length} sources, ${routes.length} routes, ${loaded.usedSecrets.size} secrets)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
