import jsonata from "jsonata";
import { bound, MAX_TRANSFORM_SEQUENCE } from "./transform-budget";

/**
 * A route's transform (docs/transforms.md): a JSONata expression, parsed once per expression text
 * and kept for the isolate's life, like a filter's compiled matcher. JSONata is interpreted (no
 * `eval`, no `new Function`), so it runs on Workers as it is.
 *
 * What the language could do without bound is refused when the expression is loaded, with the
 * position named: regular expressions (a backtracking pattern on a provider's text could run for
 * seconds in one step, which no step counter stops), `$eval` (an expression built from the
 * payload), ranges (`[1..n]`) wider than MAX_RANGE, and order-by (`^(…)`: JSONata sorts it with a
 * merge sort that copies the rest of a list at each comparison, outside the budget's hooks;
 * `$sort` with a comparator is the bounded one). The rest is bounded per evaluation by
 * ./transform-budget.ts.
 */

export const MAX_TRANSFORM_LENGTH = 4096;
export const MAX_RANGE = 10_000;
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
    // The depth bound is the budget's own (./transform-budget.ts), not JSONata's `stack` option.
    expression = jsonata(text, { sequence: MAX_TRANSFORM_SEQUENCE });
  } catch (error) {
    const { position, message } = error as { position?: number; message?: string };
    return { ok: false, position: typeof position === "number" ? position : 0, message: message ?? "the expression does not parse" };
  }
  const refused = refusedNode(expression.ast());
  if (refused) return { ok: false, ...refused };
  bound(expression);
  return { ok: true, expression };
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
    if (n.type === "sort") return { position, message: "order-by (^(…)) is not allowed in a transform: use $sort(list, function($l, $r) { … })" };
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
