/**
 * `npm run setup`'s thinking, as pure functions over text and lists, so it is tested without
 * a Cloudflare account: which resources an environment needs (read from the top-level
 * bindings of wrangler.toml, so a binding added there is set up too), which of them exist,
 * and the `[env.NAME]` block that carries their ids. Wrangler environments inherit no
 * bindings, so the block repeats every one with the environment's own names and ids.
 */
import { parse } from "smol-toml";

export const ENVIRONMENTS = ["staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export type Resource =
  | { kind: "kv"; binding: string; name: string }
  | { kind: "queue"; name: string }
  | { kind: "d1"; binding: string; name: string; migrationsDir: string };

/** What an account already has, as wrangler lists it. */
export interface Existing {
  kv: { id: string; title: string }[];
  queues: string[];
  d1: { uuid: string; name: string }[];
}

export type Step = { resource: Resource; action: "create" } | { resource: Resource; action: "exists"; id?: string };

type Table = Record<string, unknown>;

interface TopLevel {
  name: string;
  kv: { binding: string }[];
  producers: { binding: string; queue: string }[];
  consumers: Table[];
  d1: { binding: string; database_name: string; migrations_dir?: string }[];
  durableObjects: { name: string; class_name: string }[];
  vars: Table;
}

function topLevel(toml: string): TopLevel {
  const doc = parse(toml) as Table;
  const queues = (doc.queues ?? {}) as Table;
  return {
    name: String(doc.name ?? "hookgate"),
    kv: (doc.kv_namespaces ?? []) as TopLevel["kv"],
    producers: (queues.producers ?? []) as TopLevel["producers"],
    consumers: (queues.consumers ?? []) as Table[],
    d1: (doc.d1_databases ?? []) as TopLevel["d1"],
    durableObjects: (((doc.durable_objects ?? {}) as Table).bindings ?? []) as TopLevel["durableObjects"],
    vars: (doc.vars ?? {}) as Table,
  };
}

/** An environment's name for a top-level resource: `hookgate-deliveries` → `hookgate-deliveries-staging`. */
export function environmentName(name: string, env: Environment): string {
  return `${name}-${env}`;
}

/** A KV namespace's title: the worker's name, the binding, the environment (`hookgate-dedup-staging`). */
export function kvTitle(worker: string, binding: string, env: Environment): string {
  return environmentName(`${worker}-${binding.toLowerCase().replaceAll("_", "-")}`, env);
}

export function neededResources(toml: string, env: Environment): Resource[] {
  const top = topLevel(toml);
  const kv = top.kv.map((k): Resource => ({ kind: "kv", binding: k.binding, name: kvTitle(top.name, k.binding, env) }));
  const queueNames = new Set<string>();
  for (const p of top.producers) queueNames.add(p.queue);
  for (const c of top.consumers) {
    queueNames.add(String(c.queue));
    if (typeof c.dead_letter_queue === "string") queueNames.add(c.dead_letter_queue);
  }
  const queues = [...queueNames].map((name): Resource => ({ kind: "queue", name: environmentName(name, env) }));
  const d1 = top.d1.map(
    (d): Resource => ({ kind: "d1", binding: d.binding, name: environmentName(d.database_name, env), migrationsDir: d.migrations_dir ?? "migrations" }),
  );
  return [...kv, ...d1, ...queues];
}

export function planSetup(needed: Resource[], existing: Existing): Step[] {
  return needed.map((resource): Step => {
    if (resource.kind === "kv") {
      const found = existing.kv.find((k) => k.title === resource.name);
      return found ? { resource, action: "exists", id: found.id } : { resource, action: "create" };
    }
    if (resource.kind === "d1") {
      const found = existing.d1.find((d) => d.name === resource.name);
      return found ? { resource, action: "exists", id: found.uuid } : { resource, action: "create" };
    }
    return existing.queues.includes(resource.name) ? { resource, action: "exists" } : { resource, action: "create" };
  });
}

/** The wrangler command that creates a resource. */
export function createCommand(resource: Resource): string[] {
  if (resource.kind === "kv") return ["kv", "namespace", "create", resource.name];
  if (resource.kind === "queue") return ["queues", "create", resource.name];
  return ["d1", "create", resource.name];
}

export function describeStep(step: Step): string {
  const what = { kv: "KV namespace", queue: "queue", d1: "D1 database" }[step.resource.kind];
  if (step.action === "create") return `create ${what} ${step.resource.name}: wrangler ${createCommand(step.resource).join(" ")}`;
  return `keep   ${what} ${step.resource.name}${step.id ? ` (${step.id})` : ""}: it exists`;
}

const begin = (env: Environment) => `# >>> npm run setup -- --env ${env}: generated from the top-level bindings; edit those and run it again`;
const end = (env: Environment) => `# <<< npm run setup -- --env ${env}`;

/** A TOML value: strings as basic strings (JSON's escapes are TOML's), numbers and booleans as they are. */
function value(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Error(`cannot write ${typeof v} into wrangler.toml`);
}

/** OTLP destinations (made in the dashboard: Workers & Pages → Observability) that an environment exports to. */
export interface Telemetry {
  logs?: string;
  traces?: string;
}

/** Traces are billed past the plan's allowance: one request in ten is traced. */
export const TRACE_SAMPLING_RATE = 0.1;

/**
 * The `[env.NAME]` block: every top-level binding again, with the environment's resources.
 * `ids` maps a KV title or D1 name to its id. Vars that name a queue follow the queue; a var
 * that is a table (a GATEWAY_CONFIG written inline) is left out, to be set per environment.
 * With `telemetry`, the environment's `observability` block exports logs and traces to those
 * OTLP destinations (without it, the top-level block applies).
 */
export function renderEnvironment(
  toml: string,
  env: Environment,
  ids: ReadonlyMap<string, string>,
  domain = domainInEnvironment(toml, env),
  telemetry: Telemetry = telemetryInEnvironment(toml, env),
): string {
  const top = topLevel(toml);
  const queue = (name: unknown) => environmentName(String(name), env);
  const idOf = (name: string) => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`no id for ${name}`);
    return id;
  };
  const lines = [begin(env), `[env.${env}]`, `name = ${value(environmentName(top.name, env))}`];
  if (domain) lines.push(`routes = [{ pattern = ${value(domain)}, custom_domain = true }]`);
  for (const k of top.kv) {
    lines.push("", `[[env.${env}.kv_namespaces]]`, `binding = ${value(k.binding)}`, `id = ${value(idOf(kvTitle(top.name, k.binding, env)))}`);
  }
  for (const p of top.producers) lines.push("", `[[env.${env}.queues.producers]]`, `binding = ${value(p.binding)}`, `queue = ${value(queue(p.queue))}`);
  for (const c of top.consumers) {
    lines.push("", `[[env.${env}.queues.consumers]]`);
    for (const [key, v] of Object.entries(c)) lines.push(`${key} = ${value(key === "queue" || key === "dead_letter_queue" ? queue(v) : v)}`);
  }
  for (const d of top.d1) {
    const name = environmentName(d.database_name, env);
    lines.push("", `[[env.${env}.d1_databases]]`, `binding = ${value(d.binding)}`, `database_name = ${value(name)}`, `database_id = ${value(idOf(name))}`);
    lines.push(`migrations_dir = ${value(d.migrations_dir ?? "migrations")}`);
  }
  for (const o of top.durableObjects)
    lines.push("", `[[env.${env}.durable_objects.bindings]]`, `name = ${value(o.name)}`, `class_name = ${value(o.class_name)}`);
  const queueNames = new Set([...top.producers.map((p) => p.queue), ...top.consumers.map((c) => String(c.queue))]);
  const vars = Object.entries(top.vars).filter(([, v]) => typeof v !== "object");
  if (vars.length > 0) {
    lines.push("", `[env.${env}.vars]`);
    for (const [key, v] of vars) lines.push(`${key} = ${value(typeof v === "string" && queueNames.has(v) ? queue(v) : v)}`);
  }
  lines.push(...observabilityLines(env, telemetry));
  lines.push(end(env));
  return `${lines.join("\n")}\n`;
}

/** The file with the environment's block replaced, or appended when it has none yet. */
export function withEnvironment(toml: string, env: Environment, block: string): string {
  const start = toml.indexOf(begin(env));
  if (start < 0) return `${toml.trimEnd()}\n\n${block}`;
  const stop = toml.indexOf(end(env), start);
  if (stop < 0) throw new Error(`wrangler.toml has "${begin(env)}" without its closing line`);
  const after = toml.indexOf("\n", stop);
  return toml.slice(0, start) + block + (after < 0 ? "" : toml.slice(after + 1));
}

/** The ids an environment's block already holds, by KV title or D1 name, so a re-run can tell. */
export function idsInEnvironment(toml: string, env: Environment): Map<string, string> {
  const doc = parse(toml) as Table;
  const block = (((doc.env ?? {}) as Record<string, Table>)[env] ?? {}) as Table;
  const ids = new Map<string, string>();
  for (const k of (block.kv_namespaces ?? []) as { binding: string; id: string }[]) ids.set(kvTitle(topLevel(toml).name, k.binding, env), k.id);
  for (const d of (block.d1_databases ?? []) as { database_name: string; database_id: string }[]) ids.set(d.database_name, d.database_id);
  return ids;
}

function observabilityLines(env: Environment, { logs, traces }: Telemetry): string[] {
  if (logs === undefined && traces === undefined) return [];
  const lines = ["", `[env.${env}.observability]`, "enabled = true"];
  lines.push("", `[env.${env}.observability.logs]`, "enabled = true", "head_sampling_rate = 1", "invocation_logs = false");
  if (logs !== undefined) lines.push(`destinations = [${value(logs)}]`);
  if (traces !== undefined) {
    lines.push("", `[env.${env}.observability.traces]`, "enabled = true", `head_sampling_rate = ${TRACE_SAMPLING_RATE}`, `destinations = [${value(traces)}]`);
  }
  return lines;
}

/** The OTLP destinations the environment's block already names, kept across runs. */
export function telemetryInEnvironment(toml: string, env: Environment): Telemetry {
  const block = ((((parse(toml) as Table).env ?? {}) as Record<string, Table>)[env] ?? {}) as Table;
  const observability = (block.observability ?? {}) as Record<string, { destinations?: unknown[] }>;
  const first = (kind: "logs" | "traces") => {
    const name = observability[kind]?.destinations?.[0];
    return typeof name === "string" ? name : undefined;
  };
  return { logs: first("logs"), traces: first("traces") };
}

/** The custom domain the environment's block already has, kept across runs. */
export function domainInEnvironment(toml: string, env: Environment): string | undefined {
  const block = ((((parse(toml) as Table).env ?? {}) as Record<string, Table>)[env] ?? {}) as Table;
  const routes = (block.routes ?? []) as { pattern?: string; custom_domain?: boolean }[];
  return routes.find((r) => r.custom_domain && typeof r.pattern === "string")?.pattern;
}

/** What setup cannot do for the user, printed at the end. */
export function remainingSteps(toml: string, env: Environment, domain = domainInEnvironment(toml, env)): string[] {
  const top = topLevel(toml);
  const e = `--env ${env}`;
  const steps = [
    `The config, as a secret: npx wrangler secret put GATEWAY_CONFIG ${e} < config.json   (check it first: npm run check-config -- config.json --secrets prod.vars)`,
    `Every secret it names, and ADMIN_TOKEN: npx wrangler secret bulk secrets.json ${e}   (a JSON object of name → value; delete the file after)`,
  ];
  for (const d of top.d1) steps.push(`The event log's tables: npx wrangler d1 migrations apply ${d.binding} --remote ${e}`);
  const objects = top.durableObjects.map((o) => o.class_name).join(", ");
  steps.push(`Deploy: npx wrangler deploy ${e}${objects ? `   (this also applies the Durable Object migration for ${objects})` : ""}`);
  if (!domain) steps.push(`A custom domain for the providers to call: npm run setup -- ${e} --domain hooks.example.com (then deploy again)`);
  steps.push("Pix or any source with mtls: enable mTLS for that hostname in the dashboard (SSL/TLS → Client Certificates); see docs/mtls.md");
  const telemetry = telemetryInEnvironment(toml, env);
  if (telemetry.logs === undefined && telemetry.traces === undefined) {
    steps.push(`Logs and traces to an OpenTelemetry collector: npm run setup -- ${e} --otlp-logs NAME --otlp-traces NAME; see docs/observability.md`);
  } else {
    steps.push("The OTLP destinations named in wrangler.toml must exist in the dashboard (Workers & Pages → Observability); see docs/observability.md");
  }
  return steps;
}
