/**
 * `--client-cert demo|PEM_FILE`: the client certificate a source with `mtls` wants, reported as
 * Cloudflare's edge reports one (src/certificates/local-report.ts), for local development only.
 * `demo` reports a certificate that matches the source's pins (its first fingerprint, its issuer
 * and subject), so the production config is the one tried locally; a PEM file reports that
 * certificate, read for real, so its pins are checked for real.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { clientAuthReport, LOCAL_CLIENT_CERT_HEADER, type ReportedCertificate } from "../../src/certificates/local-report";
import type { Source } from "../../src/config/schema";
import { isLoopbackHost } from "../../src/net/loopback";
import { SendError } from "./errors";
import { sha256Hex } from "./ids";

const YEAR_MS = 365 * 24 * 3600_000;

export interface ClientCertificate {
  headers: Record<string, string>;
  /** Printed before sending (the source does not ask for one). */
  note?: string;
}

export async function clientCertificate(option: string, source: Source, sourceName: string, baseUrl: string, now: Date): Promise<ClientCertificate> {
  if (!isLoopbackHost(new URL(baseUrl).hostname)) {
    throw new SendError(
      `--client-cert is for local development (\`npm start\`, a loopback --url): a deployed gateway reads only the certificate Cloudflare's edge verified; present the real one there (curl --cert cert.pem --key key.pem)`,
    );
  }
  const certificate = option === "demo" ? demoCertificate(source, now) : await fileCertificate(option);
  const headers = { [LOCAL_CLIENT_CERT_HEADER]: JSON.stringify(clientAuthReport(certificate)) };
  if (source.mtls) return { headers };
  return { headers, note: `note: source "${sourceName}" has no mtls block, so the gateway does not look at --client-cert` };
}

/** Matches every pin the source has; where it pins nothing, a demo value. */
function demoCertificate(source: Source, now: Date): ReportedCertificate {
  const pins = source.mtls;
  return {
    fingerprintSha256: pins?.fingerprintsSha256[0] ?? sha256Hex("hookgate demo client certificate"),
    issuerDn: pins?.issuerDn ?? "CN=hookgate demo CA,O=hookgate,C=BR",
    subjectDn: pins?.subjectDn ?? "CN=psp.example,O=Demo PSP,C=BR",
    notAfter: new Date(now.getTime() + YEAR_MS),
  };
}

async function fileCertificate(file: string): Promise<ReportedCertificate> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a PEM or DER certificate";
    throw new SendError(`--client-cert ${file}: ${reason} (give the provider's certificate, or "demo")`);
  }
  return {
    fingerprintSha256: certificate.fingerprint256,
    issuerDn: rfc2253(certificate.issuer),
    subjectDn: rfc2253(certificate.subject),
    notAfter: new Date(certificate.validTo),
  };
}

/** Node writes a DN one attribute a line, most significant first; Cloudflare, RFC 2253: comma-separated, least first. */
function rfc2253(lines: string): string {
  return lines.split("\n").filter(Boolean).reverse().join(",");
}
