import type jsonata from "jsonata";
import { boundedFunctions } from "./transform-functions";
import { ARRAY_UNIT, chargeSize, type Frame, STRING_UNIT, spend } from "./transform-size";

export { MAX_TRANSFORM_WORK } from "./transform-size";

/**
 * What one evaluation of a transform may spend (docs/transforms.md, "Budget"). Workers' clocks
 * stand still while code runs (they move on I/O), so a JSONata `timeout` would never fire: time
 * is counted as work instead (./transform-size.ts), MAX_TRANSFORM_WORK units an evaluation. Each
 * step (JSONata's evaluation of one node) costs one unit, and a step that produces a long string
 * or array one more per STRING_UNIT characters or ARRAY_UNIT elements, so work that grows with
 * the envelope is paid for as it is done: bench/transform.ts measures a unit at about a
 * microsecond of CPU on a 1 MiB envelope.
 *
 * A step can touch far more than it produces: a descendant step (`**`) walks its whole input, a
 * wildcard (`*`) appends its input's values by copying, `$string` and `$distinct` walk whole
 * values, and a value made of references (`[$$, $$, $$]`) stands for the envelope many times over.
 * Those are charged before they start, for the size of what they walk, so the budget stops them
 * instead of paying after the fact. The builtins whose JSONata implementation is quadratic, or
 * walks without paying, are replaced by ./transform-functions.ts.
 */
export const MAX_TRANSFORM_DEPTH = 200;
/** The longest sequence (array) an evaluation may build. */
export const MAX_TRANSFORM_SEQUENCE = 1_000_000;
/** The longest string one step may produce, in UTF-16 units: the largest payload the gateway keeps. */
export const MAX_TRANSFORM_STRING = 24 * 1024 * 1024;

/** Installs the budget's hooks and the bounded functions on a parsed expression. */
export function bound(expression: jsonata.Expression): void {
  // JSONata looks its hooks up by these symbols; `assign` binds any key. Each evaluation has its
  // own base frame, so concurrent evaluations of one expression count apart.
  const assign = expression.assign as unknown as (name: symbol, value: unknown) => void;
  assign(Symbol.for("jsonata.__evaluate_entry"), payEntry);
  assign(Symbol.for("jsonata.__evaluate_exit"), payResult);
  for (const { name, implementation, signature } of boundedFunctions) expression.registerFunction(name, implementation as never, signature);
}

/**
 * The depth bound is checked here rather than by JSONata's `stack` option, on the depth JSONata
 * keeps anyway: its own check builds an Error (a stack trace) for each evaluation under way, and
 * an array constructor evaluates its items at once, so `[$$, $$, …]` three hundred wide spent
 * 7 ms making traces.
 */
function payEntry(node: { type?: string }, input: unknown, environment: Frame): void {
  if ((environment.base.depth ?? 0) > MAX_TRANSFORM_DEPTH) throw { code: "D1011", value: MAX_TRANSFORM_DEPTH };
  spend(environment, 1);
  // `**` pays for its input twice: the walk, and the list of every value it builds.
  if (node.type === "descendant") chargeSize(environment, input, 2);
  else if (node.type === "wildcard") chargeSize(environment, input);
}

function payResult(_node: unknown, _input: unknown, environment: Frame, result: unknown): void {
  if (typeof result === "string") {
    if (result.length > MAX_TRANSFORM_STRING) throw { code: "T0003", message: `the transform built a string longer than ${MAX_TRANSFORM_STRING} characters` };
    if (result.length >= STRING_UNIT) spend(environment, Math.floor(result.length / STRING_UNIT));
  } else if (Array.isArray(result) && result.length >= ARRAY_UNIT) spend(environment, Math.floor(result.length / ARRAY_UNIT));
}
