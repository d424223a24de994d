import jsonata from "jsonata";

/**
 * A route's transform (docs/transforms.md): a JSONata expression, parsed once per expression text
 * and kept for the isolate's life, like a filter's compiled matcher. JSONata is interpreted (no
 * `eval`, no `new Function`), so it runs on Workers as it is.
 *
 * What the language could do without bound is refused when the expression is loaded, with the
 * position named: regular expressions (a backtracking pattern on a provider's text could run for
 * seconds in one step, which no step counter stops), `$eval` (an expression built from the
 * payload), and ranges (`[1..n]`) wider than MAX_RANGE. The rest is bounded per evaluation by
 * ./transform.ts's budget.
 */

export const MAX_TRANSFORM_LENGTH = 4096;
export const MAX_RANGE = 10_000;
/** Steps (JSONata's evaluations of one node) one evaluation may take: bench/transform.ts measures what they cost. */
export const MAX_TRANSFORM_STEPS = 20_000;
/** How deep evaluations may nest (a recursive function's calls, mostly). */
export const MAX_TRANSFORM_DEPTH = 200;
/** The longest sequence (array) an evaluation may build. */
export const MAX_TRANSFORM_SEQUENCE = 1_000_000;
/** The longest string one step may produce, in UTF-16 units: the largest payload the gateway keeps. */
export const MAX_TRANSFORM_STRING = 24 * 1024 * 1024;

export type TransformCompiled = { ok: true; expression: jsonata.Expression } | { ok: false; position: number; message: string };

const cache = new Map<string, TransformCompiled>();
/** Expressions come from the config and the admin API: a few dozen; the test endpoint's are dropped when this many are kept. */
const MAX_CACHED = 256;

/** The parsed expression, or where and why it is refused. */
export function compileTransform(text: string): TransformCompiled {
  let compiled = cache.get(text);
  if (!compiled) {
    compiled = compile(text);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(text, compiled);
  }
  return compiled;
}

function compile(text: string): TransformCompiled {
  if (text.trim() === "") return { ok: false, position: 0, message: 'a transform is a JSONata expression, for example {"id": id}' };
  if (text.length > MAX_TRANSFORM_LENGTH)
    return { ok: false, position: MAX_TRANSFORM_LENGTH, message: `a transform is at most ${MAX_TRANSFORM_LENGTH} characters` };
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text, { stack: MAX_TRANSFORM_DEPTH, sequence: MAX_TRANSFORM_SEQUENCE });
  } catch (error) {
    const { position, message } = error as { position?: number; message?: string };
    return { ok: false, position: typeof position === "number" ? position : 0, message: message ?? "the expression does not parse" };
  }
  const refused = refusedNode(expression.ast());
  if (refused) return { ok: false, ...refused };
  expression.registerFunction("pad", boundedPad, "<s-ns?:s>");
  // JSONata looks its hooks up by these symbols; `assign` binds any key. Each evaluation has its
  // own base frame, so concurrent evaluations of one expression count apart.
  const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
  assign(Symbol.for("jsonata.__evaluate_entry"), countStep);
  assign(Symbol.for("jsonata.__evaluate_exit"), checkResult);
  return { ok: true, expression };
}

interface Frame {
  base: { hookgateSteps?: number };
}

/**
 * Workers' clocks stand still while code runs (they move on I/O), so a JSONata `timeout` would
 * never fire: the time budget is counted in steps instead.
 */
function countStep(_node: unknown, _input: unknown, environment: Frame): void {
  const base = environment.base;
  const steps = (base.hookgateSteps ?? 0) + 1;
  base.hookgateSteps = steps;
  if (steps > MAX_TRANSFORM_STEPS) throw { code: "T0002", message: `the transform took more than ${MAX_TRANSFORM_STEPS} steps` };
}

function checkResult(_node: unknown, _input: unknown, _environment: Frame, result: unknown): void {
  if (typeof result === "string" && result.length > MAX_TRANSFORM_STRING) {
    throw { code: "T0003", message: `the transform built a string longer than ${MAX_TRANSFORM_STRING} characters` };
  }
}

type Node = { type?: string; value?: unknown; position?: number; lhs?: unknown; rhs?: unknown };

/** The first construct the gateway does not run, found by walking the parsed tree (iteratively: a deep tree is no risk). */
function refusedNode(ast: unknown): { position: number; message: string } | undefined {
  const pending: unknown[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    if (typeof node !== "object" || node === null || node instanceof RegExp) continue;
    const n = node as Node;
    const position = typeof n.position === "number" ? n.position : 0;
    if (n.type === "regex")
      return { position, message: "regular expressions are not allowed in a transform (use $contains, $split or $replace with a string)" };
    if (n.type === "variable" && n.value === "eval") return { position, message: "$eval is not allowed in a transform" };
    if (n.type === "binary" && n.value === ".." && !narrowRange(n)) {
      return { position, message: `a range [a..b] needs two number literals at most ${MAX_RANGE} apart` };
    }
    for (const value of Object.values(node)) if (typeof value === "object" && value !== null) pending.push(value);
  }
  return undefined;
}

function narrowRange(node: Node): boolean {
  const from = (node.lhs as Node | undefined)?.value;
  const to = (node.rhs as Node | undefined)?.value;
  return typeof from === "number" && typeof to === "number" && to - from < MAX_RANGE;
}

/** JSONata's `$pad` with the width bounded: one call must not build a string of a billion spaces. */
function boundedPad(text: string, width: number, char?: string): string {
  if (!Number.isFinite(width) || Math.abs(width) > MAX_RANGE) throw { code: "T0001", message: `$pad's width is at most ${MAX_RANGE}` };
  const fill = char === undefined || char === "" ? " " : char;
  const missing = Math.abs(width) - [...text].length;
  if (missing <= 0) return text;
  const padding = fill.repeat(Math.ceil(missing / [...fill].length)).slice(0, missing);
  return width < 0 ? padding + text : text + padding;
}
