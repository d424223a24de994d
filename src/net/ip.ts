/**
 * A source's `ipAllow` list: IPv4 and IPv6 CIDR ranges, compiled once, matched per request
 * against `CF-Connecting-IP`.
 *
 * Every address lives in one 128-bit space: an IPv4 address is its IPv4-mapped IPv6 form
 * (`::ffff:a.b.c.d`, RFC 4291 2.5.5.2) and an IPv4 range `a.b.c.d/n` is `::ffff:a.b.c.d/(96+n)`.
 * So a client seen as `::ffff:203.0.113.7` matches `203.0.113.0/24`, the entry
 * `::ffff:0:0/96` matches every IPv4 client, and `::/0` matches everything, IPv4 included.
 *
 * Host bits after the prefix are ignored (`203.0.113.7/24` is `203.0.113.0/24`), as a
 * firewall would read it. Zone ids (`fe80::1%eth0`), octal-looking IPv4 parts (`010`) and
 * anything else that is not a plain address are refused: an entry throws, a client fails closed.
 */

export interface IpRange {
  readonly network: bigint;
  readonly mask: bigint;
}

export interface IpAllowList {
  readonly ranges: readonly IpRange[];
}

const ALL_BITS = (1n << 128n) - 1n;
const IPV4_MAPPED = 0xffffn << 32n;

/** Parses every entry now; throws an Error naming the first entry that is not a CIDR range. */
export function compileAllowList(cidrs: string[]): IpAllowList {
  const ranges = cidrs.map((entry) => {
    const range = parseCidr(entry);
    if (range === null) throw new Error(`ipAllow entry "${entry}" is not an IPv4 or IPv6 address or CIDR range`);
    return range;
  });
  return { ranges };
}

/** True when `text` is an address or CIDR range that `compileAllowList` accepts. */
export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** True only when `ip` is a well-formed address inside one of the ranges; null, empty or garbage is false. */
export function allows(list: IpAllowList, ip: string | null): boolean {
  if (ip === null) return false;
  const address = parseAddress(ip.trim());
  if (address === null) return false;
  return list.ranges.some((range) => (address.value & range.mask) === range.network);
}

function parseCidr(text: string): IpRange | null {
  const [addressText, prefixText, extra] = text.trim().split("/");
  if (addressText === undefined || extra !== undefined) return null;
  const address = parseAddress(addressText);
  if (address === null) return null;
  const familyBits = address.isV4 ? 32 : 128;
  let prefix = familyBits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > familyBits) return null;
  }
  const bits = 128 - familyBits + prefix;
  const mask = bits === 0 ? 0n : (ALL_BITS << BigInt(128 - bits)) & ALL_BITS;
  return { network: address.value & mask, mask };
}

interface Address {
  /** The 128-bit value; IPv4 as its IPv4-mapped IPv6 form. */
  readonly value: bigint;
  /** Written as dotted IPv4, so a `/n` on it counts IPv4 bits. */
  readonly isV4: boolean;
}

function parseAddress(text: string): Address | null {
  if (text.includes(":")) {
    const value = parseIpv6(text);
    return value === null ? null : { value, isV4: false };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { value: IPV4_MAPPED | v4, isV4: true };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // One to three digits, no leading zero: "010" could mean 8 to some parsers and 10 to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null; // refuses zone ids, brackets, spaces
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] ?? "", true) : [];
  if (head === null || tail === null) return null;
  const groups = head.length + tail.length;
  if (halves.length === 1 ? groups !== 8 : groups > 7) return null;
  const words = [...head, ...new Array<number>(8 - groups).fill(0), ...tail];
  return words.reduce((value, word) => (value << 16n) | BigInt(word), 0n);
}

/** 16-bit groups of one side of `::`; a trailing dotted IPv4 counts as two groups. */
function parseGroups(text: string, mayEndInIpv4: boolean): number[] | null {
  if (text === "") return [];
  const parts = text.split(":");
  const words: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (part.includes(".")) {
      if (!mayEndInIpv4 || index !== parts.length - 1) return null;
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
      words.push(parseInt(part, 16));
    }
  }
  return words;
}
