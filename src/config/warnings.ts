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
