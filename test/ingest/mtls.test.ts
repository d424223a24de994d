import { describe, expect, it } from "vitest";
import { parseCertificate } from "../../src/certificates/x509";
import { checkClientCertificate, normalizeFingerprint } from "../../src/ingest/mtls";
import { EC_CERT_PEM, EC_FINGERPRINT as FINGERPRINT, RSA_FINGERPRINT as OTHER_FINGERPRINT } from "../certificates/fixtures";

const ISSUER = "CN=Hookgate Test CA,O=Hookgate,C=BR";
const SUBJECT = "CN=psp.example.com.br,O=Some PSP,C=BR";
const NOW = Date.parse("2026-06-01T12:00:00Z");

/** What Cloudflare puts in `request.cf.tlsClientAuth` for a good client certificate. */
function tlsClientAuth(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certPresented: "1",
    certVerified: "SUCCESS",
    certRevoked: "0",
    certNotBefore: "Jan  1 00:00:00 2026 GMT",
    certNotAfter: "Dec 22 19:39:00 2029 GMT",
    certFingerprintSHA256: FINGERPRINT,
    certFingerprintSHA1: "ignored",
    certIssuerDN: ISSUER,
    certSubjectDN: SUBJECT,
    certIssuerDNLegacy: "/C=BR/O=Hookgate/CN=Hookgate Test CA",
    certSerial: "01",
    ...overrides,
  };
}

const pinned = { fingerprintsSha256: [FINGERPRINT], issuerDn: ISSUER, subjectDn: SUBJECT };
const noPins = { fingerprintsSha256: [] };

describe("a client certificate", () => {
  it("passes when it is presented, verified, unrevoked, unexpired and matches every pin", () => {
    expect(checkClientCertificate(tlsClientAuth(), pinned, [], NOW)).toEqual({ ok: true });
  });

  it("passes with no pin at all when the edge verified it", () => {
    expect(checkClientCertificate(tlsClientAuth(), noPins, [], NOW)).toEqual({ ok: true });
  });

  it("is refused as no_client_auth when the request has no cf.tlsClientAuth (a local run)", () => {
    for (const tls of [undefined, null, "1", 1]) {
      expect(checkClientCertificate(tls, noPins, [], NOW)).toEqual({ ok: false, reason: "no_client_auth" });
    }
  });

  it.each([
    ['certPresented is "0"', { certPresented: "0" }, "not_presented"],
    ["certPresented is missing", { certPresented: undefined }, "not_presented"],
    ["certPresented is the number 1", { certPresented: 1 }, "not_presented"],
    ['certVerified is "FAILED:self signed certificate"', { certVerified: "FAILED:self signed certificate" }, "not_verified"],
    ['certVerified is "NONE"', { certVerified: "NONE" }, "not_verified"],
    ['certVerified is "success"', { certVerified: "success" }, "not_verified"],
    ['certRevoked is "1"', { certRevoked: "1" }, "revoked"],
    ["certNotAfter is in the past", { certNotAfter: "May 31 12:00:00 2026 GMT" }, "expired"],
    ["certNotAfter is exactly now", { certNotAfter: "Jun  1 12:00:00 2026 GMT" }, "expired"],
    ["certNotAfter cannot be read", { certNotAfter: "soon" }, "expired"],
    ["certNotAfter is an impossible date", { certNotAfter: "Feb 30 00:00:00 2029 GMT" }, "expired"],
    ["certNotAfter is missing", { certNotAfter: undefined }, "expired"],
    ["its fingerprint is not pinned", { certFingerprintSHA256: OTHER_FINGERPRINT }, "fingerprint"],
    ["its fingerprint is missing", { certFingerprintSHA256: "" }, "fingerprint"],
    ["its issuer is another", { certIssuerDN: "CN=Other CA,O=Hookgate,C=BR" }, "issuer"],
    ["its issuer differs only in case", { certIssuerDN: ISSUER.toLowerCase() }, "issuer"],
    ["its subject is another", { certSubjectDN: "CN=attacker.example,O=Some PSP,C=BR" }, "subject"],
    ["its subject is missing", { certSubjectDN: undefined }, "subject"],
  ])("is refused when %s", (_, overrides, reason) => {
    expect(checkClientCertificate(tlsClientAuth(overrides), pinned, [], NOW)).toEqual({ ok: false, reason });
  });

  it("is refused for the first failing check, in the contract's order", () => {
    const everythingWrong = tlsClientAuth({ certVerified: "NONE", certRevoked: "1", certFingerprintSHA256: OTHER_FINGERPRINT });
    expect(checkClientCertificate(everythingWrong, pinned, [], NOW)).toEqual({ ok: false, reason: "not_verified" });
  });

  it('accepts a revoked flag of "0" or an absent one', () => {
    expect(checkClientCertificate(tlsClientAuth({ certRevoked: undefined }), pinned, [], NOW).ok).toBe(true);
  });

  it("expires by the injected clock", () => {
    const tls = tlsClientAuth({ certNotAfter: "Dec 22 19:39:00 2029 GMT" });
    expect(checkClientCertificate(tls, pinned, [], Date.parse("2029-12-22T19:38:59Z")).ok).toBe(true);
    expect(checkClientCertificate(tls, pinned, [], Date.parse("2029-12-22T19:39:01Z"))).toEqual({ ok: false, reason: "expired" });
  });

  it("reads an ISO notAfter as well", () => {
    expect(checkClientCertificate(tlsClientAuth({ certNotAfter: "2029-12-22T19:39:00Z" }), pinned, [], NOW).ok).toBe(true);
    expect(checkClientCertificate(tlsClientAuth({ certNotAfter: "2026-06-01T08:59:59-03:00" }), pinned, [], NOW).ok).toBe(false);
  });
});

describe("fingerprint pins", () => {
  it("match whatever the case and colons of the pin or of the edge", () => {
    const colonsUpper = FINGERPRINT.toUpperCase().match(/../g)!.join(":");
    expect(checkClientCertificate(tlsClientAuth(), { fingerprintsSha256: [colonsUpper] }, [], NOW).ok).toBe(true);
    const edgeUpper = tlsClientAuth({ certFingerprintSHA256: FINGERPRINT.toUpperCase() });
    expect(checkClientCertificate(edgeUpper, { fingerprintsSha256: [FINGERPRINT] }, [], NOW).ok).toBe(true);
  });

  it("pass when any one of several pins matches (rotation)", () => {
    const pins = { fingerprintsSha256: [OTHER_FINGERPRINT, FINGERPRINT] };
    expect(checkClientCertificate(tlsClientAuth(), pins, [], NOW).ok).toBe(true);
  });

  it("can be added at run time, alongside the config's or alone", () => {
    const tls = tlsClientAuth();
    expect(checkClientCertificate(tls, { fingerprintsSha256: [OTHER_FINGERPRINT] }, [FINGERPRINT], NOW).ok).toBe(true);
    expect(checkClientCertificate(tls, noPins, [FINGERPRINT], NOW).ok).toBe(true);
    expect(checkClientCertificate(tls, noPins, [OTHER_FINGERPRINT], NOW)).toEqual({ ok: false, reason: "fingerprint" });
  });

  it("never let an empty pin match a missing fingerprint", () => {
    const tls = tlsClientAuth({ certFingerprintSHA256: undefined });
    expect(checkClientCertificate(tls, noPins, [""], NOW)).toEqual({ ok: false, reason: "fingerprint" });
  });

  it("match the fingerprint of an uploaded certificate", async () => {
    const uploaded = await parseCertificate(EC_CERT_PEM);
    if (!uploaded.ok) throw new Error(uploaded.reason);
    expect(checkClientCertificate(tlsClientAuth(), noPins, [uploaded.fingerprintSha256], NOW).ok).toBe(true);
  });

  it("normalize to lower-case hex without colons or spaces", () => {
    expect(normalizeFingerprint("AB:cd:0F")).toBe("abcd0f");
    expect(normalizeFingerprint(" ab cd\n0f ")).toBe("abcd0f");
  });
});

describe("DN pins", () => {
  it("are compared after trimming both sides", () => {
    const pins = { fingerprintsSha256: [], issuerDn: `  ${ISSUER} ` };
    expect(checkClientCertificate(tlsClientAuth({ certIssuerDN: `${ISSUER}\n` }), pins, [], NOW).ok).toBe(true);
  });

  it("are compared exactly otherwise, attribute order included", () => {
    const reordered = tlsClientAuth({ certSubjectDN: "C=BR,O=Some PSP,CN=psp.example.com.br" });
    expect(checkClientCertificate(reordered, pinned, [], NOW)).toEqual({ ok: false, reason: "subject" });
  });

  it("match nothing when blank, rather than everything", () => {
    const tls = tlsClientAuth({ certIssuerDN: "" });
    expect(checkClientCertificate(tls, { fingerprintsSha256: [], issuerDn: " " }, [], NOW)).toEqual({ ok: false, reason: "issuer" });
  });
});
