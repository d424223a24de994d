import type * as z from "zod";
import { isLocalDev, targetUrlProblem } from "../net/targets";
import { describeJsonSyntaxError, jsonSyntaxError } from "./json-syntax";
import { GatewayConfig } from "./schema";
import { resolveSecrets, type SecretReader } from "./secrets";
import { nearest } from "./spelling";

export type LoadedConfig = { ok: true; config: GatewayConfig } | { ok: false; problems: string[] };

/**
 * Parses and validates a config document: a JSON string or an object (a `[vars]` table),
 * with `{"secret": "NAME"}` references read through `read`. Pure: the same answer is
 * given offline by `npm run check-config` and online on every request.
 */
export interface ParseOptions {
  /** Loopback route targets are allowed (LOCAL_DEV). */
  localDev?: boolean;
  /** The file the text was read from (the scripts), named in a JSON syntax error; else GATEWAY_CONFIG. */
  file?: string;
}

export function parseConfig(raw: unknown, read: SecretReader, options: ParseOptions = {}): LoadedConfig & { usedSecrets: Map<string, unknown> } {
  const none = new Map<string, unknown>();
  if (raw === undefined || raw === null || raw === "") {
    return { ok: false, problems: ["GATEWAY_CONFIG is not set"], usedSecrets: none };
  }
  let document: unknown = raw;
  if (typeof raw === "string") {
    try {
      document = JSON.parse(raw);
    } catch (error) {
      return { ok: false, problems: [notJson(raw, error, options.file)], usedSecrets: none };
    }
  }

  const resolved = resolveSecrets(document, read);
  const missing = resolved.missing.map((m) => `${m.path}: secret ${m.name} is not set`);
  const parsed = GatewayConfig.safeParse(resolved.value);
  // A missing secret also fails the schema at the same path; report it once, as missing.
  const missingPaths = new Set(resolved.missing.map((m) => m.path));
  const invalid = parsed.success
    ? []
    : withoutMisspeltRequired(parsed.error.issues)
        .map((issue) => [formatPath(issue.path), issueMessage(issue, resolved.nearMisses.get(formatPath(issue.path)))] as const)
        .filter(([path]) => !missingPaths.has(path))
        .map(([path, message]) => `${path || "(root)"}: ${message}`);

  // Loopback targets pass the schema; only local development may use them.
  const local = options.localDev === true || !parsed.success ? [] : localOnlyTargets(parsed.data);
  const problems = [...missing, ...invalid, ...local];
  if (problems.length > 0 || !parsed.success) {
    return { ok: false, problems, usedSecrets: resolved.used };
  }
  return { ok: true, config: parsed.data, usedSecrets: resolved.used };
}

/**
 * `{"perSec": 5}` where `perSecond` is required: the required key is missing only because it is
 * misspelt, so it is said once, as the unknown key and what it was probably meant to be, in the
 * same words a source's misspelt key gets (not also "expected number, received undefined").
 */
function withoutMisspeltRequired(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const unknownAt = new Map<string, readonly string[]>();
  for (const issue of issues) if (issue.code === "unrecognized_keys") unknownAt.set(formatPath(issue.path), issue.keys);
  if (unknownAt.size === 0) return [...issues];
  return issues.filter((issue) => {
    if (issue.code !== "invalid_type" || !issue.message.endsWith("received undefined")) return true;
    const key = issue.path.at(-1);
    const unknown = unknownAt.get(formatPath(issue.path.slice(0, -1)));
    return typeof key !== "string" || unknown === undefined || !unknown.some((written) => nearest(written, [key]) !== undefined);
  });
}

/** A string field given `{"secrte": "NAME"}` is told what was meant, not only "received object". */
function issueMessage(issue: z.core.$ZodIssue, misspeltKey: string | undefined): string {
  if (misspeltKey === undefined || issue.code !== "invalid_type" || issue.expected !== "string") return issue.message;
  return `{${JSON.stringify(misspeltKey)}: …} is not a secret reference: did you mean {"secret": …}? (expected a string or a reference, received an object)`;
}

/** `FILE:7:3: not valid JSON: ...` as editors and terminals link it, or GATEWAY_CONFIG's line and column. */
function notJson(text: string, error: unknown, file: string | undefined): string {
  const where = jsonSyntaxError(text, error);
  if (file === undefined) return `GATEWAY_CONFIG is not valid JSON: ${describeJsonSyntaxError(where)}`;
  return where.line === undefined ? `${file}: not valid JSON: ${where.reason}` : `${file}:${where.line}:${where.column}: not valid JSON: ${where.reason}`;
}

/** Every URL the gateway calls that a config names: routes, each reconciling source's PSP, each confirming source's API. */
function localOnlyTargets(config: GatewayConfig): string[] {
  const targets: [string, string][] = config.routes.map((route, index) => [`routes[${index}].url`, route.url]);
  for (const [name, source] of Object.entries(config.sources)) {
    if (source.confirm?.baseUrl !== undefined) targets.push([`sources.${name}.confirm.baseUrl`, source.confirm.baseUrl]);
    if (source.reconcile === undefined) continue;
    targets.push([`sources.${name}.reconcile.baseUrl`, source.reconcile.baseUrl], [`sources.${name}.reconcile.tokenUrl`, source.reconcile.tokenUrl]);
  }
  return targets.flatMap(([path, url]) => {
    const problem = targetUrlProblem(url, { localDev: false });
    return problem ? [`${path}: ${problem}`] : [];
  });
}

export function formatPath(path: readonly PropertyKey[] | z.core.$ZodIssue["path"]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Once per isolate: the answer is kept while `GATEWAY_CONFIG` and every secret it reads
 * are the same values, so tests (and a redeploy that rotates a secret) get a fresh parse
 * while steady-state requests pay a few string comparisons.
 */
let cached: { raw: unknown; localDev: boolean; usedSecrets: Map<string, unknown>; loaded: LoadedConfig } | undefined;

export function loadConfig(env: Record<string, unknown>): LoadedConfig {
  const raw = env.GATEWAY_CONFIG;
  const localDev = isLocalDev(env.LOCAL_DEV);
  if (cached && cached.raw === raw && cached.localDev === localDev && sameSecrets(cached.usedSecrets, env)) return cached.loaded;
  const { usedSecrets, ...loaded } = parseConfig(raw, (name) => env[name], { localDev });
  cached = { raw, localDev, usedSecrets, loaded };
  return loaded;
}

function sameSecrets(used: Map<string, unknown>, env: Record<string, unknown>): boolean {
  for (const [name, value] of used) if (env[name] !== value) return false;
  return true;
}
