import { describe, expect, it } from "vitest";
import { parseCertificateTime, utcTime } from "../../src/certificates/time";

describe("a certificate time", () => {
  it("is read as OpenSSL and Cloudflare write it, in GMT", () => {
    expect(parseCertificateTime("Dec 22 19:39:00 2029 GMT")).toBe(Date.UTC(2029, 11, 22, 19, 39, 0));
  });

  it("is read with a space-padded day", () => {
    expect(parseCertificateTime("Jan  2 03:04:05 2030 GMT")).toBe(Date.UTC(2030, 0, 2, 3, 4, 5));
  });

  it("is read as ISO 8601 with Z, an offset or fractions of a second", () => {
    expect(parseCertificateTime("2029-12-22T19:39:00Z")).toBe(Date.UTC(2029, 11, 22, 19, 39, 0));
    expect(parseCertificateTime("2029-12-22T16:39:00-03:00")).toBe(Date.UTC(2029, 11, 22, 19, 39, 0));
    expect(parseCertificateTime("2029-12-22T19:39:00.250Z")).toBe(Date.UTC(2029, 11, 22, 19, 39, 0, 250));
  });

  it.each([
    ["an ISO time without a zone, which Date would read as local time", "2029-12-22T19:39:00"],
    ["a day Date would roll over", "Feb 30 00:00:00 2029 GMT"],
    ["an ISO day Date would roll over", "2029-02-30T00:00:00Z"],
    ["an hour of 24", "2029-02-28T24:00:00Z"],
    ["an unknown month", "Foo 22 19:39:00 2029 GMT"],
    ["a zone other than GMT", "Dec 22 19:39:00 2029 PST"],
    ["a date only", "2029-12-22"],
    ["a number", "1893268740000"],
    ["empty", ""],
  ])("is refused when it is %s", (_, text) => {
    expect(parseCertificateTime(text)).toBeNull();
  });

  it("takes a 1-based month and refuses out-of-range fields", () => {
    expect(utcTime(2029, 12, 31, 23, 59, 59)).toBe(Date.UTC(2029, 11, 31, 23, 59, 59));
    expect(utcTime(2029, 13, 1, 0, 0, 0)).toBeNull();
    expect(utcTime(2029, 4, 31, 0, 0, 0)).toBeNull();
    expect(utcTime(2029, 1, 1, 0, 60, 0)).toBeNull();
  });
});
