import { keys, lookup, merge, sort, spread } from "./transform-collections";
import { ARRAY_UNIT, budgetError, chargeSize, type Focus, isFunctionValue, Meter, remaining } from "./transform-size";

/**
 * JSONata builtins replaced for transforms (docs/transforms.md, "Budget"): one call of each could
 * otherwise cost without bound, or walk more than it pays for. Each keeps JSONata's results.
 *
 * - `$string`, `$distinct`: charged WALK_WEIGHT times the size of their argument before they walk
 *   it (measuring, then serializing), then done natively (JSONata's `$string` calls a function
 *   per value: 40 ms for 1 MiB; its `$distinct` compares every pair).
 * - `$keys`, `$lookup`, `$merge`, `$spread`, `$replace`: pay a unit per TOUCHES_PER_UNIT values,
 *   keys or matches they touch, as they go (JSONata's `$spread` appends by copying: quadratic;
 *   its `$replace` builds its text a piece at a time: 80 ms for 500,000 matches). A touch costs
 *   more than an element of a result the step already built, which is what ARRAY_UNIT prices.
 * - `$split`, `$replace`: a string separator or pattern only (regular expressions are refused at
 *   load; a function matcher is refused here); `$split` stops at the pieces the budget has left.
 * - `$sort`: V8's sort without a comparator, a merge sort that does not copy with one; charged
 *   n log n / TOUCHES_PER_UNIT before it starts (JSONata's merge sort copies what is left at each
 *   comparison).
 * - `$pad` with its width bounded, `$length` counting without building an array of characters.
 */

export const MAX_PAD_WIDTH = 10_000;
/** What `$string` and `$distinct` pay per unit of size: the measuring walk, then serializing. */
export const WALK_WEIGHT = 3;

type Bounded = { name: string; implementation: (this: Focus, ...args: never[]) => unknown; signature: string };

function boundedPad(text: string, width: number, char?: string): string {
  if (!Number.isFinite(width) || Math.abs(width) > MAX_PAD_WIDTH) throw { code: "T0001", message: `$pad's width is at most ${MAX_PAD_WIDTH}` };
  const fill = char === undefined || char === "" ? " " : char;
  const missing = Math.abs(width) - [...text].length;
  if (missing <= 0) return text;
  const padding = fill.repeat(Math.ceil(missing / [...fill].length)).slice(0, missing);
  return width < 0 ? padding + text : text + padding;
}

type Sequence = unknown[] & { outerWrapper?: boolean };

/** `$string` by V8's JSON.stringify: a function is "", and within a value it is left out. */
function nativeString(this: Focus, value: unknown, prettify?: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (isFunctionValue(value)) return "";
  if (typeof value === "number" && !Number.isFinite(value)) throw { code: "D3001", message: "a number that is not finite cannot be made a string" };
  const unwrapped = Array.isArray(value) && (value as Sequence).outerWrapper ? value[0] : value;
  chargeSize(this.environment, unwrapped, WALK_WEIGHT);
  return JSON.stringify(unwrapped, undefined, prettify ? 2 : 0);
}

/** `$distinct` by each value's JSON text. Keys in another order count as another value. */
function linearDistinct(this: Focus, values: unknown): unknown {
  if (!Array.isArray(values) || values.length <= 1) return values;
  chargeSize(this.environment, values, WALK_WEIGHT);
  const seen = new Set<string>();
  const kept: unknown[] = [];
  for (const value of values) {
    const key = typeof value === "string" ? `s${value}` : `j${JSON.stringify(value)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(value);
  }
  return kept;
}

/** `$length`: characters (code points), counted without building an array of them. */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function stringOnly(value: unknown, what: string): string {
  if (typeof value !== "string") throw { code: "T0001", message: `in a transform, ${what} is a string` };
  return value;
}

/** `$split` with a string separator, stopped at the pieces the budget has left. */
function split(this: Focus, text: string | undefined, separator: unknown, limit?: number): string[] | undefined {
  if (text === undefined) return undefined;
  if (limit !== undefined && limit < 0) throw { code: "D3020", value: limit, index: 3 };
  const by = stringOnly(separator, "$split's separator");
  if (limit === 0) return [];
  const most = Math.max(0, remaining(this.environment)) * ARRAY_UNIT + 1;
  const pieces = text.split(by, limit === undefined ? most : Math.min(limit, most));
  if (pieces.length === most && (limit === undefined || limit > most)) throw budgetError();
  return pieces;
}

/** `$replace` with a string pattern and replacement, paying as it finds matches. */
function replace(this: Focus, text: string | undefined, pattern: unknown, replacement: unknown, limit?: number): string | undefined {
  if (text === undefined) return undefined;
  const find = stringOnly(pattern, "$replace's pattern");
  const put = stringOnly(replacement, "$replace's replacement");
  if (find === "") throw { code: "D3010", value: find, index: 2 };
  if (limit !== undefined && limit < 0) throw { code: "D3011", value: limit, index: 4 };
  const meter = new Meter(this.environment);
  const pieces: string[] = [];
  let at = 0;
  for (let found = text.indexOf(find); found !== -1 && (limit === undefined || pieces.length < limit); found = text.indexOf(find, at)) {
    meter.pay();
    pieces.push(text.slice(at, found));
    at = found + find.length;
  }
  pieces.push(text.slice(at));
  return pieces.join(put);
}

export const boundedFunctions: Bounded[] = [
  { name: "pad", implementation: boundedPad, signature: "<s-ns?:s>" },
  { name: "string", implementation: nativeString, signature: "<x-b?:s>" },
  { name: "distinct", implementation: linearDistinct, signature: "<x:x>" },
  { name: "length", implementation: codePoints, signature: "<s-:n>" },
  { name: "keys", implementation: keys, signature: "<x-:a<s>>" },
  { name: "lookup", implementation: lookup, signature: "<x-s:x>" },
  { name: "merge", implementation: merge, signature: "<a<o>:o>" },
  { name: "spread", implementation: spread, signature: "<x-:a<o>>" },
  { name: "split", implementation: split, signature: "<s-(sf)n?:a<s>>" },
  { name: "replace", implementation: replace, signature: "<s-(sf)(sf)n?:s>" },
  { name: "sort", implementation: sort, signature: "<af?:a>" },
] as Bounded[];
