/**
 * The config `npm run send` reads to authenticate as a source's provider: the file the gateway
 * runs, with its secrets from the same places `npm start` reads them (the environment, then the
 * vars file). Only the source being sent to needs to load: a route's secret that is set only in
 * the shell that runs `npm start` is no reason to refuse. What cannot be read is said plainly,
 * with where the secrets come from.
 */
import { parseConfig } from "../../src/config/load";
import type { GatewayConfig, Source } from "../../src/config/schema";
import { SendError } from "./errors";

export interface SendConfig {
  names: string[];
  source?: Source;
  /** A line to print before sending, when only the source could be read. */
  note?: string;
}

export function sendConfig(text: string, file: string, read: (name: string) => string | undefined, secretsFile: string, sourceName?: string): SendConfig {
  const whole = parseConfig(text, read, { localDev: true, file });
  if (whole.ok) return { names: Object.keys(whole.config.sources), source: sourceName === undefined ? undefined : whole.config.sources[sourceName] };
  const sources = sourcesOf(text);
  if (sourceName === undefined || !Object.hasOwn(sources, sourceName)) throw invalid(file, whole.problems, secretsFile);
  const alone = parseConfig({ sources: { [sourceName]: sources[sourceName] } }, read, { localDev: true, file });
  if (!alone.ok) throw invalid(file, alone.problems, secretsFile);
  return {
    names: Object.keys(sources),
    source: alone.config.sources[sourceName],
    note: `note: ${file} does not load whole here (${whole.problems.length} problem${whole.problems.length === 1 ? "" : "s"}, \`npm run check-config -- ${file} --local\`), but source "${sourceName}" does: sending`,
  };
}

function sourcesOf(text: string): Record<string, unknown> {
  try {
    const document = JSON.parse(text) as { sources?: unknown };
    return typeof document.sources === "object" && document.sources !== null ? (document.sources as GatewayConfig["sources"]) : {};
  } catch {
    return {};
  }
}

function invalid(file: string, problems: string[], secretsFile: string): SendError {
  const lines = [`${file}: the gateway config is invalid`, ...problems.map((problem) => `  - ${problem}`)];
  if (problems.some((problem) => / secret \S+ is not set$/.test(problem))) {
    lines.push(
      `the simulator reads {"secret": "NAME"} values where \`npm start\` does: the environment, then ${secretsFile} (--secrets FILE); ` +
        "without a source's secrets it cannot authenticate as its provider",
    );
  }
  return new SendError(lines.join("\n"));
}
