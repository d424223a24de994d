import { describe, expect, it } from "vitest";
import { childrenOf, DerError, decodeOid, readElement } from "../../src/certificates/der";

const bytes = (...values: number[]) => new Uint8Array(values);

function failure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof DerError) return error.reason;
    throw error;
  }
  throw new Error("expected a DerError");
}

describe("reading one DER element", () => {
  it("reads a short-form length", () => {
    expect(readElement(bytes(0x02, 0x01, 0x05), 0)).toEqual({ tag: 0x02, offset: 0, start: 2, end: 3 });
  });

  it("reads a long-form length", () => {
    const content = new Uint8Array(300);
    const element = readElement(new Uint8Array([0x04, 0x82, 0x01, 0x2c, ...content]), 0);
    expect(element).toEqual({ tag: 0x04, offset: 0, start: 4, end: 304 });
  });

  it("calls an element that claims more bytes than the input has truncated, whatever the claim", () => {
    expect(failure(() => readElement(bytes(0x30, 0x05, 0x02, 0x01), 0))).toBe("truncated");
    expect(failure(() => readElement(bytes(0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00), 0))).toBe("truncated");
    expect(failure(() => readElement(bytes(0x30, 0x82, 0x01), 0))).toBe("truncated");
    expect(failure(() => readElement(bytes(0x30), 0))).toBe("truncated");
  });

  it("refuses what DER forbids: indefinite lengths, five-byte lengths, padded lengths, high tag numbers", () => {
    expect(failure(() => readElement(bytes(0x30, 0x80, 0x00, 0x00), 0))).toBe("malformed");
    expect(failure(() => readElement(bytes(0x30, 0x85, 0, 0, 0, 0, 1, 0), 0))).toBe("malformed");
    expect(failure(() => readElement(bytes(0x04, 0x81, 0x01, 0x00), 0))).toBe("malformed");
    expect(failure(() => readElement(bytes(0x04, 0x82, 0x00, 0x81, ...new Uint8Array(0x81)), 0))).toBe("malformed");
    expect(failure(() => readElement(bytes(0x1f, 0x81, 0x01, 0x00), 0))).toBe("malformed");
  });
});

describe("reading the elements inside a constructed one", () => {
  it("lists them in order, and stops at the parent's end", () => {
    const der = bytes(0x30, 0x05, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x00);
    const outer = readElement(der, 0);
    expect(childrenOf(der, outer).map((child) => child.tag)).toEqual([0x02, 0x05]);
  });

  it("calls a child that runs past its parent malformed, even when the input has the bytes", () => {
    const der = bytes(0x30, 0x03, 0x04, 0x03, 0x00, 0x00, 0x00);
    expect(failure(() => childrenOf(der, readElement(der, 0)))).toBe("malformed");
  });

  it("refuses to look inside a primitive element", () => {
    const der = bytes(0x04, 0x03, 0x02, 0x01, 0x00);
    expect(failure(() => childrenOf(der, readElement(der, 0)))).toBe("malformed");
  });
});

describe("decoding an OBJECT IDENTIFIER", () => {
  it("writes its arcs dotted, multi-byte arcs and the joint first byte included", () => {
    expect(decodeOid(bytes(0x55, 0x04, 0x03))).toBe("2.5.4.3");
    expect(decodeOid(bytes(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b))).toBe("1.2.840.113549.1.1.11");
    expect(decodeOid(bytes(0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19))).toBe("0.9.2342.19200300.100.1.25");
  });

  it("refuses an empty one or one whose last arc is unfinished", () => {
    expect(decodeOid(bytes())).toBeNull();
    expect(decodeOid(bytes(0x55, 0x84))).toBeNull();
  });
});
