import { parseCertificateTime } from "../certificates/time";

/**
 * The client-certificate check of docs/contract.md section 4, on what Cloudflare's edge reports in
 * `request.cf.tlsClientAuth` after API Shield mTLS.
 *
 * Every field there is a string, and "0" is truthy: each test below compares with the exact
 * value that passes ("1", "SUCCESS") or the one that refuses ("1" for revoked), never truthiness.
 * A missing object (a local run, a hostname without mTLS) or a field of the wrong type fails closed.
 *
 * Distinguished names are compared exactly after trimming, in the form Cloudflare sends
 * (`certIssuerDN`, RFC 2253 order: `CN=...,O=...,C=BR`). No attribute reordering, case folding
 * or space folding is done: copy the DN as Cloudflare shows it. A blank pin matches nothing.
 */

export type MtlsFailure = "no_client_auth" | "not_presented" | "not_verified" | "revoked" | "expired" | "fingerprint" | "issuer" | "subject";

export type MtlsResult = { ok: true } | { ok: false; reason: MtlsFailure };

export interface ClientCertificatePins {
  fingerprintsSha256: string[];
  issuerDn?: string;
  subjectDn?: string;
}

/**
 * Passes when the edge saw a verified, unrevoked, unexpired client certificate that matches every
 * given pin. Fingerprints may come from the config (`pins`) or be uploaded at run time
 * (`extraFingerprints`); any one of either list matches, and with both empty none is required.
 */
export function checkClientCertificate(tls: unknown, pins: ClientCertificatePins, extraFingerprints: string[], now: number): MtlsResult {
  if (typeof tls !== "object" || tls === null) return refuse("no_client_auth");
  const field = (name: string): string => {
    const value = (tls as Record<string, unknown>)[name];
    return typeof value === "string" ? value : "";
  };

  if (field("certPresented") !== "1") return refuse("not_presented");
  if (field("certVerified") !== "SUCCESS") return refuse("not_verified");
  if (field("certRevoked") === "1") return refuse("revoked");
  const notAfter = parseCertificateTime(field("certNotAfter"));
  if (notAfter === null || notAfter <= now) return refuse("expired");

  const allowed = [...pins.fingerprintsSha256, ...extraFingerprints].map(normalizeFingerprint);
  if (allowed.length > 0) {
    const presented = normalizeFingerprint(field("certFingerprintSHA256"));
    if (!/^[0-9a-f]{64}$/.test(presented) || !allowed.includes(presented)) return refuse("fingerprint");
  }
  if (pins.issuerDn !== undefined && !dnMatches(field("certIssuerDN"), pins.issuerDn)) return refuse("issuer");
  if (pins.subjectDn !== undefined && !dnMatches(field("certSubjectDN"), pins.subjectDn)) return refuse("subject");
  return { ok: true };
}

/** `AB:CD:...` or `ab cd ...` → `abcd...`: lower-case hex without separators. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/[:\s]/g, "").toLowerCase();
}

function dnMatches(presented: string, pinned: string): boolean {
  const expected = pinned.trim();
  return expected !== "" && presented.trim() === expected;
}

function refuse(reason: MtlsFailure): MtlsResult {
  return { ok: false, reason };
}
