/**
 * The least of a DER reader that telling a certificate from garbage needs: one element's tag and
 * length, and the elements inside a constructed one. Every length is checked against the bytes
 * that hold it, so nothing is ever read past the end of the input or of the enclosing element.
 *
 * Only DER is read: no indefinite lengths, no high tag numbers, lengths of at most four bytes.
 * An element running past the end of the input is "truncated"; one running past its parent, or
 * any other shape DER forbids, is "malformed".
 */

export interface DerElement {
  /** The identifier octet: class, constructed bit and tag number (e.g. 0x30 = SEQUENCE). */
  readonly tag: number;
  /** Where the element's header begins. */
  readonly offset: number;
  /** Where its content begins. */
  readonly start: number;
  /** Where its content (and the element) ends, exclusive. */
  readonly end: number;
}

export class DerError extends Error {
  constructor(readonly reason: "truncated" | "malformed") {
    super(`DER ${reason}`);
  }
}

export const Tag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  CONTEXT_0: 0xa0,
} as const;

/** Reads the element that starts at `offset` and must end by `limit` (default: the input's end). */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  const tooShort = () => new DerError(limit >= bytes.length ? "truncated" : "malformed");
  if (offset + 2 > limit) throw tooShort();
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("malformed"); // high tag number form
  const first = bytes[offset + 1]!;
  let start = offset + 2;
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError("malformed"); // indefinite, or absurdly long
    if (start + count > limit) throw tooShort();
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i]!;
    if (length < 0x80 || bytes[start] === 0) throw new DerError("malformed"); // not minimal
    start += count;
  }
  const end = start + length;
  if (end > limit) throw tooShort();
  return { tag, offset, start, end };
}

/** The elements inside a constructed element, which must fill it exactly. */
export function childrenOf(bytes: Uint8Array, parent: DerElement): DerElement[] {
  if ((parent.tag & 0x20) === 0) throw new DerError("malformed");
  const children: DerElement[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = readElement(bytes, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The content bytes of an element (a view, not a copy). */
export function contentOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

/** Dotted text of an OBJECT IDENTIFIER's content, e.g. "2.5.4.3"; null when malformed. */
export function decodeOid(content: Uint8Array): string | null {
  if (content.length === 0 || content[content.length - 1]! & 0x80) return null;
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of content) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}
