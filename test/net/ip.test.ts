import { describe, expect, it } from "vitest";
import { allows, compileAllowList, isValidCidr } from "../../src/net/ip";

describe("an IPv4 allow list", () => {
  const list = compileAllowList(["203.0.113.0/24", "198.51.100.7"]);

  it("lets in an address inside a range, from its first to its last address", () => {
    expect(allows(list, "203.0.113.0")).toBe(true);
    expect(allows(list, "203.0.113.77")).toBe(true);
    expect(allows(list, "203.0.113.255")).toBe(true);
  });

  it("keeps out the addresses just outside a range", () => {
    expect(allows(list, "203.0.112.255")).toBe(false);
    expect(allows(list, "203.0.114.0")).toBe(false);
  });

  it("reads a bare address as a /32", () => {
    expect(allows(list, "198.51.100.7")).toBe(true);
    expect(allows(list, "198.51.100.8")).toBe(false);
  });

  it("lets in an IPv4 client seen as an IPv4-mapped IPv6 address, dotted or in hex", () => {
    expect(allows(list, "::ffff:203.0.113.7")).toBe(true);
    expect(allows(list, "::ffff:cb00:7107")).toBe(true); // 203.0.113.7
    expect(allows(list, "0:0:0:0:0:FFFF:CB00:7107")).toBe(true);
    expect(allows(list, "::ffff:cb00:7207")).toBe(false); // 203.0.114.7
  });

  it("does not take an IPv6 address whose low bits happen to spell a listed IPv4 address", () => {
    expect(allows(list, "::cb00:7107")).toBe(false);
    expect(allows(list, "2001:db8::cb00:7107")).toBe(false);
  });

  it("ignores host bits after the prefix", () => {
    const sloppy = compileAllowList(["203.0.113.200/24"]);
    expect(allows(sloppy, "203.0.113.1")).toBe(true);
  });

  it("takes every IPv4 address with 0.0.0.0/0, and no IPv6 one", () => {
    const everyone = compileAllowList(["0.0.0.0/0"]);
    expect(allows(everyone, "0.0.0.0")).toBe(true);
    expect(allows(everyone, "255.255.255.255")).toBe(true);
    expect(allows(everyone, "::ffff:10.0.0.1")).toBe(true);
    expect(allows(everyone, "2001:db8::1")).toBe(false);
  });
});

describe("an IPv6 allow list", () => {
  const list = compileAllowList(["2001:db8::/32", "::1", "fe80:0000:0000:0000:0000:0000:0000:0001/128"]);

  it("lets in an address inside a range, from its first to its last address", () => {
    expect(allows(list, "2001:db8::")).toBe(true);
    expect(allows(list, "2001:0db8:1234::abcd")).toBe(true);
    expect(allows(list, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(true);
  });

  it("keeps out the addresses just outside a range", () => {
    expect(allows(list, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(false);
    expect(allows(list, "2001:db9::")).toBe(false);
  });

  it("reads a bare address as a /128, whatever form either side is written in", () => {
    expect(allows(list, "::1")).toBe(true);
    expect(allows(list, "0:0:0:0:0:0:0:1")).toBe(true);
    expect(allows(list, "::2")).toBe(false);
    expect(allows(list, "FE80::1")).toBe(true);
    expect(allows(list, "fe80::2")).toBe(false);
  });

  it("lets a ::ffff:0:0/96 entry take every IPv4 client, however it is written", () => {
    const mapped = compileAllowList(["::ffff:0:0/96"]);
    expect(allows(mapped, "192.0.2.1")).toBe(true);
    expect(allows(mapped, "::ffff:192.0.2.1")).toBe(true);
    expect(allows(mapped, "2001:db8::1")).toBe(false);
  });

  it("takes every address, IPv4 included, with ::/0", () => {
    const everyone = compileAllowList(["::/0"]);
    expect(allows(everyone, "::")).toBe(true);
    expect(allows(everyone, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).toBe(true);
    expect(allows(everyone, "192.0.2.1")).toBe(true);
  });

  it("reads a :: that stands for a single zero group", () => {
    const single = compileAllowList(["1:2:3:4:5:6:7::"]);
    expect(allows(single, "1:2:3:4:5:6:7:0")).toBe(true);
  });
});

describe("a client address that cannot be read", () => {
  const everyone = compileAllowList(["0.0.0.0/0", "::/0"]);

  it.each([
    ["no CF-Connecting-IP", null],
    ["an empty header", ""],
    ["a host name", "example.com"],
    ["an octet over 255", "256.0.0.1"],
    ["three octets", "10.0.0"],
    ["an octal-looking octet", "010.0.0.1"],
    ["a zone id", "fe80::1%eth0"],
    ["two ::", "1::2::3"],
    ["nine groups", "1:2:3:4:5:6:7:8:9"],
    ["seven groups without ::", "1:2:3:4:5:6:7"],
    ["a five-digit group", "12345::1"],
    ["brackets", "[::1]"],
    ["an address with a prefix", "10.0.0.1/8"],
    ["two addresses", "10.0.0.1, 10.0.0.2"],
  ])("is refused when it is %s", (_, ip) => {
    expect(allows(everyone, ip)).toBe(false);
  });

  it("is refused by an empty list", () => {
    expect(allows(compileAllowList([]), "203.0.113.7")).toBe(false);
  });
});

describe("compiling an allow list", () => {
  it("throws an error that names the entry that is not a CIDR range", () => {
    expect(() => compileAllowList(["203.0.113.0/24", "203.0.113.0/33"])).toThrow('"203.0.113.0/33"');
    expect(() => compileAllowList(["2001:db8::/129"])).toThrow('"2001:db8::/129"');
    expect(() => compileAllowList(["1.2.3.4/"])).toThrow('"1.2.3.4/"');
  });

  it("tells a valid entry from an invalid one, for the config schema", () => {
    for (const valid of ["203.0.113.0/24", "198.51.100.7", "::", "::1", "2001:db8::/32", "::ffff:203.0.113.7", "::ffff:0:0/96", "0.0.0.0/0"]) {
      expect(isValidCidr(valid), valid).toBe(true);
    }
    for (const invalid of ["", "/24", "1.2.3.4/33", "1.2.3.4/8/8", "::/129", "fe80::1%1", "1.2.3.4.5", "1::2::3", "gggg::", "::ffff:1.2.3.4:5"]) {
      expect(isValidCidr(invalid), invalid).toBe(false);
    }
  });
});
