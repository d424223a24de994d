import { describe, expect, it } from "vitest";
import { timingSafeEqual, timingSafeEqualMac } from "../../src/auth/timing-safe";
import { base64Decode, base64urlDecode, base64urlEncode, hexDecode, hexEncode } from "../../src/bytes";

describe("timingSafeEqual", () => {
  it("is true for equal strings and equal bytes, mixed freely", async () => {
    expect(await timingSafeEqual("s3cret", "s3cret")).toBe(true);
    expect(await timingSafeEqual(new TextEncoder().encode("s3cret"), "s3cret")).toBe(true);
  });

  it("is false for different contents or lengths, without throwing", async () => {
    expect(await timingSafeEqual("s3cret", "s3creT")).toBe(false);
    expect(await timingSafeEqual("s3cret", "s3cret!")).toBe(false);
    expect(await timingSafeEqual("", "x")).toBe(false);
  });
});

describe("timingSafeEqualMac", () => {
  it("is true only for the same bytes, and false for another length without throwing", () => {
    const mac = new Uint8Array([1, 2, 3, 4]);
    expect(timingSafeEqualMac(mac, new Uint8Array([1, 2, 3, 4]))).toBe(true);
    expect(timingSafeEqualMac(mac, new Uint8Array([1, 2, 3, 5]))).toBe(false);
    expect(timingSafeEqualMac(mac, new Uint8Array([1, 2, 3]))).toBe(false);
    expect(timingSafeEqualMac(mac, new Uint8Array(0))).toBe(false);
  });
});

describe("encodings", () => {
  it("round-trips hex in either case and refuses odd or foreign digits", () => {
    expect(hexEncode(new Uint8Array([0, 171, 255]))).toBe("00abff");
    expect(hexDecode("00ABff")).toEqual(new Uint8Array([0, 171, 255]));
    expect(hexDecode("abc")).toBeUndefined();
    expect(hexDecode("zz")).toBeUndefined();
  });

  it("reads base64 with or without padding and refuses other alphabets", () => {
    expect(base64Decode("YWI=")).toEqual(new TextEncoder().encode("ab"));
    expect(base64Decode("YWI")).toEqual(new TextEncoder().encode("ab"));
    expect(base64Decode("YW-_")).toBeUndefined();
    expect(base64Decode("Y")).toBeUndefined();
  });

  it("round-trips base64url without padding", () => {
    const bytes = new Uint8Array([251, 255, 191]);
    expect(base64urlEncode(bytes)).toBe("-_-_");
    expect(base64urlDecode("-_-_")).toEqual(bytes);
    expect(base64urlDecode("+/+/")).toBeUndefined();
  });
});
