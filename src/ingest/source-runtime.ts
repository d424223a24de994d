import { adapters } from "../adapters";
import type { Adapter } from "../adapters/types";
import { createSourceAuthenticator, wwwAuthenticate } from "../auth";
import { ASAAS_TOKEN_HEADER } from "../auth/asaas";
import type { AuthDeps } from "../auth/types";
import type { GatewayConfig, Source } from "../config/schema";
import { GatewayError } from "../errors";
import { compileAllowList, type IpAllowList } from "../net/ip";

/**
 * What the pipeline needs of a source, prepared once per config and source: auth rules
 * checked and their keys imported lazily, the IP list parsed, the adapter chosen.
 */
export interface SourceRuntime {
  name: string;
  source: Source;
  adapter: Adapter;
  methods: ReadonlySet<string>;
  allowHeader: string;
  ipAllow: IpAllowList | undefined;
  authenticate: ReturnType<typeof createSourceAuthenticator>;
  challenge: string | undefined;
  dedupTtlSeconds: number;
  /** More notifications than this in one request: the request is quarantined whole. */
  maxNotifications: number;
  /** Header and query names that carry a credential: stripped from anything kept. */
  credentialHeaders: ReadonlySet<string>;
  credentialQuery: ReadonlySet<string>;
  /** Headers that tell one notification from another when bodies are equal (`webhook-id`, ...). */
  identityHeaders: readonly string[];
}

const compiled = new WeakMap<GatewayConfig, Map<string, SourceRuntime>>();

export function sourceRuntime(config: GatewayConfig, name: string, deps: AuthDeps): SourceRuntime | undefined {
  if (!Object.hasOwn(config.sources, name)) return undefined;
  let byName = compiled.get(config);
  if (!byName) {
    byName = new Map();
    compiled.set(config, byName);
  }
  let runtime = byName.get(name);
  if (!runtime) {
    try {
      runtime = compile(name, config.sources[name]!, config.maxNotificationsPerRequest, deps);
    } catch (error) {
      // A rule the schema let through but its scheme cannot use (e.g. a PEM that is not a
      // public key). The message names the rule, never a secret value.
      throw new GatewayError("bad_config", `sources.${name}: ${error instanceof Error ? error.message : "unusable"}`);
    }
    byName.set(name, runtime);
  }
  return runtime;
}

function compile(name: string, source: Source, gatewayMaxNotifications: number, deps: AuthDeps): SourceRuntime {
  const adapter = adapters[source.provider];
  const methods = source.methods ?? adapter.defaultMethods;
  const credentialHeaders = new Set(["authorization", "proxy-authorization", "cookie"]);
  const credentialQuery = new Set<string>();
  for (const rule of source.auth) {
    if (rule.type === "header") credentialHeaders.add(rule.name.toLowerCase());
    if (rule.type === "jwt") credentialHeaders.add(rule.header.toLowerCase());
    if (rule.type === "query") credentialQuery.add(rule.name);
    if (rule.type === "asaas") credentialHeaders.add(ASAAS_TOKEN_HEADER);
  }
  const identityHeaders = [source.idPath, source.typePath]
    .filter((path): path is string => path?.startsWith("headers.") ?? false)
    .map((path) => path.slice("headers.".length).toLowerCase());
  if (source.provider === "standard-webhooks") identityHeaders.push("webhook-id");
  for (const rule of source.auth) if (rule.type === "hmac" && rule.idHeader) identityHeaders.push(rule.idHeader.toLowerCase());
  return {
    name,
    source,
    adapter,
    methods: new Set(methods),
    allowHeader: methods.join(", "),
    ipAllow: source.ipAllow ? compileAllowList(source.ipAllow) : undefined,
    authenticate: createSourceAuthenticator(source.auth, deps),
    challenge: wwwAuthenticate(source.auth),
    dedupTtlSeconds: source.dedupTtlSeconds ?? adapter.defaultDedupTtlSeconds,
    maxNotifications: source.maxNotificationsPerRequest ?? gatewayMaxNotifications,
    credentialHeaders,
    credentialQuery,
    identityHeaders,
  };
}
