import { isLoopbackHost } from "../net/loopback";

/**
 * A client certificate as Cloudflare's edge reports it (`request.cf.tlsClientAuth`), carried in a
 * request header in local development only. `wrangler dev` terminates no mTLS, so without this a
 * source with `mtls` (Pix, as the docs configure it) answers 403 to every local request, and the
 * config tried locally is not the production one. `npm run send -- SOURCE --client-cert demo`
 * sends the header; ingest reads it only when the Worker runs with LOCAL_DEV and the request came
 * to a loopback host (Cloudflare's edge never serves those names), and then checks the report
 * against the source's pins exactly as it checks the edge's. Anything else reads the edge's report.
 */
export const LOCAL_CLIENT_CERT_HEADER = "hookgate-dev-client-cert";

/** A report is a few hundred bytes; more is not a report. */
const MAX_REPORT_CHARS = 4096;

/** Cloudflare's field names, each a string as the edge gives them. */
export type TlsClientAuth = Record<string, string>;

/** The report the header carries, or undefined: outside local development, or no header, or not a JSON object. */
export function localClientAuth(headers: Headers, url: URL, localDev: boolean): TlsClientAuth | undefined {
  if (!localDev || !isLoopbackHost(url.hostname)) return undefined;
  const text = headers.get(LOCAL_CLIENT_CERT_HEADER);
  if (text === null || text.length > MAX_REPORT_CHARS) return undefined;
  try {
    const report: unknown = JSON.parse(text);
    return typeof report === "object" && report !== null && !Array.isArray(report) ? (report as TlsClientAuth) : undefined;
  } catch {
    return undefined;
  }
}

export interface ReportedCertificate {
  /** SHA-256 of the DER, hex. */
  fingerprintSha256: string;
  issuerDn: string;
  subjectDn: string;
  notAfter: Date;
}

/** What the edge reports for a certificate it verified: presented, verified, not revoked. */
export function clientAuthReport(certificate: ReportedCertificate): TlsClientAuth {
  return {
    certPresented: "1",
    certVerified: "SUCCESS",
    certRevoked: "0",
    certFingerprintSHA256: certificate.fingerprintSha256.replace(/[:\s]/g, "").toLowerCase(),
    certIssuerDN: certificate.issuerDn,
    certSubjectDN: certificate.subjectDn,
    certIssuerDNRFC2253: certificate.issuerDn,
    certSubjectDNRFC2253: certificate.subjectDn,
    certNotAfter: opensslTime(certificate.notAfter),
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Dec 22 19:39:00 2029 GMT`, as Cloudflare writes `certNotAfter`. */
export function opensslTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} ${date.getUTCFullYear()} GMT`;
}
