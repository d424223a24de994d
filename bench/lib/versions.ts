import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./build";

/** Versions of the tools the numbers depend on, read from node_modules. */
export function toolVersions(): Record<string, string> {
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return "unknown";
    }
  };
  return {
    wrangler: version("wrangler"),
    miniflare: version("miniflare"),
    workerd: version("workerd"),
    autocannon: version("autocannon"),
    hono: version("hono"),
    zod: version("zod"),
  };
}
