import { childrenOf, contentOf, type DerElement, DerError, decodeOid, readElement, Tag } from "./der";
import { utcTime } from "./time";

/**
 * Reads a client certificate uploaded to `POST /admin/sources/{source}/certificates`: a PEM or
 * base64 DER, checked to really be an X.509 certificate before its fingerprint is pinned.
 *
 * The signature is not verified and the key is not parsed: what gets pinned is the SHA-256 of
 * the exact DER, the same value Cloudflare reports as `certFingerprintSHA256`.
 */

export type ParsedCertificate = {
  ok: true;
  der: Uint8Array;
  /** SHA-256 of the DER, lower-case hex without separators. */
  fingerprintSha256: string;
  /** RFC 4514 order, as Cloudflare's `certSubjectDN`: `CN=...,O=...,C=BR`. */
  subject?: string;
  issuer?: string;
  /** ISO 8601, UTC. */
  notAfter?: string;
};

export type CertificateResult = ParsedCertificate | { ok: false; reason: string };

/** Far above any real client certificate (a few KiB), low enough to bound the work. */
export const MAX_CERTIFICATE_CHARS = 64 * 1024;

const NOT_ENCODED = "not a PEM certificate or base64 DER";
const TRUNCATED = "truncated DER";
const NOT_X509 = "not an X.509 certificate structure";

export async function parseCertificate(input: string): Promise<CertificateResult> {
  if (input.length > MAX_CERTIFICATE_CHARS) return { ok: false, reason: "certificate larger than 64 KiB" };
  const decoded = decodeInput(input);
  if (!decoded.ok) return decoded;
  const der = decoded.der;
  let fields: Pick<ParsedCertificate, "subject" | "issuer" | "notAfter">;
  try {
    fields = readCertificate(der);
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return { ok: false, reason: error.reason === "truncated" ? TRUNCATED : NOT_X509 };
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return { ok: true, der, fingerprintSha256: hex(digest), ...fields };
}

/**
 * PEM: the first CERTIFICATE block, which in a chain file is the leaf (the one the client
 * presents); the rest is ignored. Anything else must be bare base64, whitespace allowed.
 */
function decodeInput(input: string): { ok: true; der: Uint8Array } | { ok: false; reason: string } {
  const block = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(input);
  if (block) return decodeBase64(block[1] ?? "");
  const otherLabel = /-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(input);
  if (otherLabel) return { ok: false, reason: `PEM holds a ${otherLabel[1]}, not a CERTIFICATE` };
  return decodeBase64(input);
}

function decodeBase64(text: string): { ok: true; der: Uint8Array } | { ok: false; reason: string } {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    return { ok: false, reason: NOT_ENCODED };
  }
  const binary = atob(compact);
  return { ok: true, der: Uint8Array.from(binary, (char) => char.charCodeAt(0)) };
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE, signatureValue BIT STRING }
 * TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, signature SEQUENCE,
 *   issuer Name, validity SEQUENCE { notBefore, notAfter }, subject Name, subjectPublicKeyInfo
 *   SEQUENCE, extensions and unique ids (not read) }
 */
function readCertificate(der: Uint8Array): Pick<ParsedCertificate, "subject" | "issuer" | "notAfter"> {
  const certificate = readElement(der, 0);
  expect(certificate, Tag.SEQUENCE);
  if (certificate.end !== der.length) throw new DerError("malformed"); // trailing bytes
  const [tbs, signatureAlgorithm, signatureValue, ...extra] = childrenOf(der, certificate);
  expect(tbs, Tag.SEQUENCE);
  expect(signatureAlgorithm, Tag.SEQUENCE);
  expect(signatureValue, Tag.BIT_STRING);
  if (extra.length > 0) throw new DerError("malformed");

  const fields = childrenOf(der, tbs);
  if (fields[0]?.tag === Tag.CONTEXT_0) fields.shift();
  const [serial, signature, issuer, validity, subject, publicKey] = fields;
  expect(serial, Tag.INTEGER);
  expect(signature, Tag.SEQUENCE);
  expect(issuer, Tag.SEQUENCE);
  expect(validity, Tag.SEQUENCE);
  expect(subject, Tag.SEQUENCE);
  expect(publicKey, Tag.SEQUENCE);

  const [notBefore, notAfter, ...more] = childrenOf(der, validity);
  if (notBefore === undefined || readTime(der, notBefore) === null || more.length > 0) throw new DerError("malformed");
  const notAfterTime = notAfter === undefined ? null : readTime(der, notAfter);
  if (notAfterTime === null) throw new DerError("malformed");

  return {
    notAfter: new Date(notAfterTime).toISOString().replace(".000Z", "Z"),
    subject: readName(der, subject),
    issuer: readName(der, issuer),
  };
}

function expect(element: DerElement | undefined, tag: number): asserts element is DerElement {
  if (element?.tag !== tag) throw new DerError("malformed");
}

/** UTCTime `YYMMDDHHMMSSZ` (years 1950–2049) or GeneralizedTime `YYYYMMDDHHMMSSZ`, as RFC 5280 4.1.2.5 allows. */
function readTime(der: Uint8Array, element: DerElement): number | null {
  const text = latin1(contentOf(der, element));
  const match =
    element.tag === Tag.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === Tag.GENERALIZED_TIME
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = element.tag === Tag.UTC_TIME ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  return utcTime(fullYear, month, day, hour, minute, second);
}

const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
};

/**
 * A Name as RFC 4514 writes it: last RDN first, as OpenSSL's RFC2253 output (and so Cloudflare's
 * `certSubjectDN`) does, reversing the values of a multi-valued RDN too. Unknown attributes are
 * written by OID; a value that is not a string type as `#` and its DER in hex. Undefined if the
 * Name cannot be read; that never makes the certificate itself invalid.
 */
function readName(der: Uint8Array, name: DerElement): string | undefined {
  try {
    const rdns = childrenOf(der, name).map((rdn) => {
      if (rdn.tag !== Tag.SET) throw new DerError("malformed");
      const values = childrenOf(der, rdn).map((attribute) => {
        const [type, value] = childrenOf(der, attribute);
        if (type?.tag !== Tag.OID || value === undefined) throw new DerError("malformed");
        const oid = decodeOid(contentOf(der, type)) ?? "?";
        return `${ATTRIBUTE_NAMES[oid] ?? oid}=${readAttributeValue(der, value)}`;
      });
      return values.reverse().join("+");
    });
    return rdns.reverse().join(",");
  } catch {
    return undefined;
  }
}

function readAttributeValue(der: Uint8Array, value: DerElement): string {
  const content = contentOf(der, value);
  let text: string;
  if (value.tag === 0x0c)
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(content); // UTF8String
  else if (value.tag === 0x13 || value.tag === 0x16 || value.tag === 0x14)
    text = latin1(content); // Printable, IA5, Teletex
  else if (value.tag === 0x1e && content.length % 2 === 0)
    text = utf16be(content); // BMPString
  else return `#${hex(der.subarray(value.offset, value.end))}`;
  return text
    .replace(/[\\,+"<>;]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, "\\ ");
}

const latin1 = (bytes: Uint8Array) => Array.from(bytes, (byte) => String.fromCharCode(byte)).join("");
const utf16be = (bytes: Uint8Array) =>
  Array.from({ length: bytes.length / 2 }, (_, i) => String.fromCharCode((bytes[2 * i]! << 8) | bytes[2 * i + 1]!)).join("");
const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
