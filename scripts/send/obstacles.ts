import type { Source } from "../../src/config/schema";

/**
 * Why `npm run send` cannot pass a source's checks from this machine, or undefined when it can.
 * The simulator signs with the source's first auth rule and the config's secrets; what it cannot
 * have is the provider's private key (an asymmetric JWT: it says so and stops), its client
 * certificate (mtls: in local development `--client-cert demo` reports one) or its address
 * (ipAllow: it sends, and the gateway answers 403).
 */
export function sendObstacle(source: Source, given: { jwtKey: boolean }): string | undefined {
  return missingKey(source, given) ?? refusedHere(source);
}

export function missingKey(source: Source, given: { jwtKey: boolean }): string | undefined {
  const rule = source.auth[0];
  if (rule?.type !== "jwt" || rule.secret !== undefined || given.jwtKey) return undefined;
  return `its first auth rule takes ${rule.alg} JWTs, which only the provider's private key signs: add --jwt-key PEM_FILE`;
}

export function refusedHere(source: Source): string | undefined {
  if (source.mtls) return "it takes only clients presenting the provider's certificate (mtls): expect 403; against `npm start`, add --client-cert demo";
  if (source.ipAllow) return "it takes only the addresses in its ipAllow: expect 403 unless this machine's is one of them";
  return undefined;
}
