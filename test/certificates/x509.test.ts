import { describe, expect, it } from "vitest";
import { childrenOf, readElement } from "../../src/certificates/der";
import { parseCertificate } from "../../src/certificates/x509";
import {
  derToBase64,
  EC_CERT_PEM,
  EC_FINGERPRINT,
  EC_NOT_AFTER,
  EC_SUBJECT,
  pemBody,
  pemToDer,
  RSA_CERT_PEM,
  RSA_FINGERPRINT,
  RSA_NOT_AFTER,
  RSA_SUBJECT,
} from "./fixtures";

async function parsed(input: string) {
  const result = await parseCertificate(input);
  if (!result.ok) throw new Error(`expected a certificate, got: ${result.reason}`);
  return result;
}

async function reasonFor(input: string): Promise<string> {
  const result = await parseCertificate(input);
  if (result.ok) throw new Error("expected a refusal");
  return result.reason;
}

describe("a PEM certificate", () => {
  it("yields the SHA-256 fingerprint OpenSSL computes, its DER, subject, issuer and notAfter (P-256)", async () => {
    const certificate = await parsed(EC_CERT_PEM);
    expect(certificate.fingerprintSha256).toBe(EC_FINGERPRINT);
    expect(certificate.der).toEqual(pemToDer(EC_CERT_PEM));
    expect(certificate.subject).toBe(EC_SUBJECT);
    expect(certificate.issuer).toBe(EC_SUBJECT);
    expect(certificate.notAfter).toBe(EC_NOT_AFTER);
  });

  it("yields the same for RSA, with a GeneralizedTime, UTF-8, an escaped comma and a two-valued RDN", async () => {
    const certificate = await parsed(RSA_CERT_PEM);
    expect(certificate.fingerprintSha256).toBe(RSA_FINGERPRINT);
    expect(certificate.subject).toBe(RSA_SUBJECT);
    expect(certificate.notAfter).toBe(RSA_NOT_AFTER);
  });

  it("is read with CRLF line ends", async () => {
    const certificate = await parsed(EC_CERT_PEM.replace(/\n/g, "\r\n"));
    expect(certificate.fingerprintSha256).toBe(EC_FINGERPRINT);
  });

  it("is read with text around it, as `openssl x509 -text` writes", async () => {
    const certificate = await parsed(`Certificate:\n    Data: ...\n${EC_CERT_PEM}\ntrailing notes`);
    expect(certificate.fingerprintSha256).toBe(EC_FINGERPRINT);
  });

  it("is the first one of a chain file", async () => {
    expect((await parsed(EC_CERT_PEM + RSA_CERT_PEM)).fingerprintSha256).toBe(EC_FINGERPRINT);
    expect((await parsed(RSA_CERT_PEM + EC_CERT_PEM)).fingerprintSha256).toBe(RSA_FINGERPRINT);
  });
});

describe("a base64 DER certificate", () => {
  it("is read on one line", async () => {
    expect((await parsed(pemBody(EC_CERT_PEM))).fingerprintSha256).toBe(EC_FINGERPRINT);
  });

  it("is read with line breaks, spaces and tabs in it", async () => {
    const body = pemBody(RSA_CERT_PEM);
    const wrapped = ` ${body.slice(0, 100)}\r\n\t${body.slice(100, 300)} \n${body.slice(300)}\n`;
    expect((await parsed(wrapped)).fingerprintSha256).toBe(RSA_FINGERPRINT);
  });
});

describe("input that is not a certificate", () => {
  it.each([
    ["empty", ""],
    ["plain text", "this is not a certificate"],
    ["base64 with a character that is not base64", `${pemBody(EC_CERT_PEM)}!`],
    ["base64 of the wrong length", pemBody(EC_CERT_PEM).slice(0, -1)],
    ["an empty PEM block", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"],
  ])("is refused as not encoded when it is %s", async (_, input) => {
    expect(await reasonFor(input)).toBe("not a PEM certificate or base64 DER");
  });

  it("is refused naming the block when it is a private key PEM", async () => {
    const privateKey = `-----BEGIN PRIVATE KEY-----\n${pemBody(EC_CERT_PEM)}\n-----END PRIVATE KEY-----\n`;
    expect(await reasonFor(privateKey)).toBe("PEM holds a PRIVATE KEY, not a CERTIFICATE");
  });

  it("is refused as truncated when the DER stops early", async () => {
    const der = pemToDer(EC_CERT_PEM);
    expect(await reasonFor(derToBase64(der.subarray(0, der.length - 10)))).toBe("truncated DER");
    expect(await reasonFor(derToBase64(der.subarray(0, 3)))).toBe("truncated DER");
    expect(await reasonFor(derToBase64(der.subarray(0, 1)))).toBe("truncated DER");
  });

  it("is refused when bytes follow the certificate", async () => {
    const der = pemToDer(EC_CERT_PEM);
    const padded = new Uint8Array([...der, 0x00, 0x00]);
    expect(await reasonFor(derToBase64(padded))).toBe("not an X.509 certificate structure");
  });

  it("is refused when it is a well-formed DER SEQUENCE of something else", async () => {
    const twoIntegers = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]);
    expect(await reasonFor(derToBase64(twoIntegers))).toBe("not an X.509 certificate structure");
  });

  it("is refused when an inner element runs past its parent, though not past the input", async () => {
    const der = pemToDer(EC_CERT_PEM).slice();
    const tbs = childrenOf(der, readElement(der, 0))[0]!;
    const validity = childrenOf(der, tbs)[4]!; // after version, serial, signature, issuer
    expect(der[validity.start]).toBe(0x17); // notBefore, a UTCTime
    der[validity.start + 1]! += 2; // now it swallows the start of notAfter
    expect(await reasonFor(derToBase64(der))).toBe("not an X.509 certificate structure");
  });

  it("is refused as truncated when the certificate's first element claims more than the input", async () => {
    const der = pemToDer(EC_CERT_PEM).slice();
    der[3]! += 1; // the outer SEQUENCE's length, 30 82 01 c5
    expect(await reasonFor(derToBase64(der))).toBe("truncated DER");
  });

  it("is refused when its signature is not a BIT STRING", async () => {
    const der = pemToDer(EC_CERT_PEM).slice();
    const signature = childrenOf(der, readElement(der, 0))[2]!;
    expect(der[signature.offset]).toBe(0x03);
    der[signature.offset] = 0x04;
    expect(await reasonFor(derToBase64(der))).toBe("not an X.509 certificate structure");
  });

  it("is refused when it is random bytes", async () => {
    for (let round = 0; round < 20; round++) {
      const random = crypto.getRandomValues(new Uint8Array(64 + round * 31));
      expect((await parseCertificate(derToBase64(random))).ok).toBe(false);
    }
  });

  it("is refused when larger than 64 KiB, before any decoding", async () => {
    expect(await reasonFor("A".repeat(64 * 1024 + 4))).toBe("certificate larger than 64 KiB");
  });
});
