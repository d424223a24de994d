import type jsonata from "jsonata";

/**
 * What one evaluation of a transform may spend (docs/transforms.md, "Budget"). Workers' clocks
 * stand still while code runs (they move on I/O), so a JSONata `timeout` would never fire: time
 * is counted as work instead. Each step (JSONata's evaluation of one node) costs one unit, and a
 * step that produces a long string or array costs one more unit per STRING_UNIT characters or
 * ARRAY_UNIT elements, so work that grows with the envelope is paid for as it is done:
 * bench/transform.ts measures a unit at about a microsecond of CPU on a 1 MiB envelope.
 *
 * The functions whose one call could cost without bound are replaced: `$pad` with its width
 * bounded, `$string` with V8's own JSON.stringify (JSONata's calls a function per value: 40 ms
 * for 1 MiB), `$length` counting without building an array of characters, `$distinct` with a
 * linear one.
 */
export const MAX_TRANSFORM_WORK = 2_000;
/** How deep evaluations may nest (a recursive function's calls, mostly). */
export const MAX_TRANSFORM_DEPTH = 200;
/** The longest sequence (array) an evaluation may build. */
export const MAX_TRANSFORM_SEQUENCE = 1_000_000;
/** The longest string one step may produce, in UTF-16 units: the largest payload the gateway keeps. */
export const MAX_TRANSFORM_STRING = 24 * 1024 * 1024;
export const MAX_PAD_WIDTH = 10_000;
const STRING_UNIT = 1024;
const ARRAY_UNIT = 64;

interface Frame {
  base: { hookgateWork?: number };
}

/** Installs the budget's hooks and the bounded functions on a parsed expression. */
export function bound(expression: jsonata.Expression): void {
  // JSONata looks its hooks up by these symbols; `assign` binds any key. Each evaluation has its
  // own base frame, so concurrent evaluations of one expression count apart.
  const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
  assign(Symbol.for("jsonata.__evaluate_entry"), (_node: unknown, _input: unknown, environment: Frame) => spend(environment, 1));
  assign(Symbol.for("jsonata.__evaluate_exit"), paySize);
  expression.registerFunction("pad", boundedPad, "<s-ns?:s>");
  expression.registerFunction("string", nativeString, "<x-b?:s>");
  expression.registerFunction("distinct", linearDistinct, "<x:x>");
  expression.registerFunction("length", codePoints, "<s-:n>");
}

function spend(environment: Frame, units: number): void {
  const base = environment.base;
  const work = (base.hookgateWork ?? 0) + units;
  base.hookgateWork = work;
  if (work > MAX_TRANSFORM_WORK) throw { code: "T0002", message: `the transform took more than ${MAX_TRANSFORM_WORK} units of work` };
}

function paySize(_node: unknown, _input: unknown, environment: Frame, result: unknown): void {
  if (typeof result === "string") {
    if (result.length > MAX_TRANSFORM_STRING) throw { code: "T0003", message: `the transform built a string longer than ${MAX_TRANSFORM_STRING} characters` };
    if (result.length >= STRING_UNIT) spend(environment, Math.floor(result.length / STRING_UNIT));
  } else if (Array.isArray(result) && result.length >= ARRAY_UNIT) spend(environment, Math.floor(result.length / ARRAY_UNIT));
}

/** JSONata's `$pad` with the width bounded: one call must not build a string of a billion spaces. */
function boundedPad(text: string, width: number, char?: string): string {
  if (!Number.isFinite(width) || Math.abs(width) > MAX_PAD_WIDTH) throw { code: "T0001", message: `$pad's width is at most ${MAX_PAD_WIDTH}` };
  const fill = char === undefined || char === "" ? " " : char;
  const missing = Math.abs(width) - [...text].length;
  if (missing <= 0) return text;
  const padding = fill.repeat(Math.ceil(missing / [...fill].length)).slice(0, missing);
  return width < 0 ? padding + text : text + padding;
}

type Sequence = unknown[] & { outerWrapper?: boolean };

/** `$string` as JSONata's, by V8's JSON.stringify: a function is "", and within a value it is left out. */
function nativeString(value: unknown, prettify?: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "function" || isFunctionValue(value)) return "";
  if (typeof value === "number" && !Number.isFinite(value)) throw { code: "D3001", message: "a number that is not finite cannot be made a string" };
  const unwrapped = Array.isArray(value) && (value as Sequence).outerWrapper ? value[0] : value;
  return JSON.stringify(unwrapped, undefined, prettify ? 2 : 0);
}

function isFunctionValue(value: unknown): boolean {
  const marked = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown } | null;
  return typeof value === "object" && value !== null && (marked?._jsonata_lambda === true || marked?._jsonata_function === true);
}

/** `$distinct` by each value's JSON text (JSONata's compares every pair: quadratic). Keys in another order count as another value. */
function linearDistinct(values: unknown): unknown {
  if (!Array.isArray(values) || values.length <= 1) return values;
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
