import { existsSync, readFileSync } from "node:fs";

/** Parses a dotenv-style file (`.dev.vars`): `NAME=value` lines, optional quotes. */
export function readDotVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    vars[match[1]!] = value;
  }
  return vars;
}

/** Secrets for a config read offline: the environment first, then the file when it exists. */
export function secretReader(file = ".dev.vars"): (name: string) => string | undefined {
  const fileVars = existsSync(file) ? readDotVars(readFileSync(file, "utf8")) : {};
  return (name) => process.env[name] ?? fileVars[name];
}
