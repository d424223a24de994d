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
  return Object.entries(config.sources).flatMap(([name, source]) =>
    source.mtls && pinsNothing(source.mtls)
      ? [
          `sources.${name}.mtls: no fingerprintsSha256, issuerDn or subjectDn: any client certificate the zone's CA signed passes, unless certificates are uploaded for this source`,
        ]
      : [],
  );
}
