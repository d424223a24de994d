import { LOCAL_CLIENT_CERT_HEADER } from "../certificates/local-report";
import { targetUrlProblem } from "../net/targets";
import { shapeWarnings } from "../routing/filter-shapes";
import { providerWarnings } from "./provider-warnings";
import type { GatewayConfig, MtlsPins } from "./schema";

/**
 * True when an `mtls` block pins nothing: then any certificate that the zone's CA signed
 * passes, whoever holds it. Uploaded fingerprints (POST /admin/sources/{source}/certificates)
 * are pins too, but the config cannot see them.
 */
export function pinsNothing(mtls: MtlsPins): boolean {
  return mtls.fingerprintsSha256.length === 0 && mtls.issuerDn === undefined && mtls.subjectDn === undefined;
}

/** What a valid config does that its operator may not mean; told, never refused. */
export function configWarnings(config: GatewayConfig): string[] {
  return [...sourceWarnings(config), ...filterWarnings(config)];
}

/** A route filter naming a raw provider field whose shape varies (src/routing/filter-shapes.ts), for the providers its sources have. */
function filterWarnings(config: GatewayConfig): string[] {
  return config.routes.flatMap((route, i) => {
    if (route.filter === undefined) return [];
    const names = route.sources ?? Object.keys(config.sources);
    const providers = names.flatMap((name) => config.sources[name]?.provider ?? []);
    return shapeWarnings(route.filter, providers).map((w) => `routes[${i}].filter.${w.path.join(".")}: ${w.message}`);
  });
}

function sourceWarnings(config: GatewayConfig): string[] {
  return Object.entries(config.sources).flatMap(([name, source]) => [
    ...(source.mtls && pinsNothing(source.mtls)
      ? [
          `sources.${name}.mtls: no fingerprintsSha256, issuerDn or subjectDn: any client certificate the zone's CA signed passes, unless certificates are uploaded for this source`,
        ]
      : []),
    ...(source.dedupShards !== undefined
      ? [`sources.${name}.dedupShards: no longer changes anything; ledger.shards spreads every source (docs/dedup-and-batches.md)`]
      : []),
    ...providerWarnings(name, source),
  ]);
}

/** Notes about settings that are accepted but no longer change anything (told by check-config). */
export function environmentNotes(env: Record<string, unknown>): string[] {
  return env.EVENT_LOG_FLUSH_MS === undefined
    ? []
    : ["EVENT_LOG_FLUSH_MS: no longer changes anything; the ledger records each request in the shard call that accepts it (docs/event-log.md)"];
}

/**
 * What local development (`npm start`, `check-config --local`, LOCAL_DEV=1) takes that a deployed
 * gateway refuses: loopback targets, and a client certificate reported by a request header
 * instead of Cloudflare's edge. Told by `check-config --local`, beside the warnings.
 */
export function localRelaxations(config: GatewayConfig): string[] {
  const targets: [string, string][] = config.routes.map((route, index) => [`routes[${index}].url`, route.url]);
  for (const [name, source] of Object.entries(config.sources)) {
    if (source.reconcile)
      targets.push([`sources.${name}.reconcile.baseUrl`, source.reconcile.baseUrl], [`sources.${name}.reconcile.tokenUrl`, source.reconcile.tokenUrl]);
  }
  const loopback = targets
    .filter(([, url]) => targetUrlProblem(url, { localDev: false }) !== undefined && targetUrlProblem(url, { localDev: true }) === undefined)
    .map(([path]) => `${path}: a loopback target, allowed in local development only; a deployed gateway refuses the config`);
  const certificates = Object.entries(config.sources)
    .filter(([, source]) => source.mtls !== undefined)
    .map(
      ([name]) =>
        `sources.${name}.mtls: a client certificate may be reported by the ${LOCAL_CLIENT_CERT_HEADER} header (\`npm run send -- ${name} --client-cert demo\`); a deployed gateway reads only what Cloudflare's edge reports`,
    );
  return [...loopback, ...certificates];
}
