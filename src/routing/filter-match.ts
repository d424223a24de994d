import { isOperator, isPlainObject, isPrimitive, type Operator, type Primitive } from "./filter";
import { compiled } from "./filter-compile";
import { type Budget, budget, describe, holds, MAX_FILTER_WORK, sameValue, spend, tryCost, valueOperator } from "./filter-operators";

/**
 * Matching a checked filter (./filter.ts) against an envelope, Hookdeck's way: a plain value
 * matches by equality, or by being one of the elements when the envelope holds an array there; an
 * object descends (against an array: some element matches it); an array in the filter matches an
 * array that contains every listed value. Several keys in one object must all hold. A filter's
 * value meets only the envelope's values at its own path, and the elements of arrays found there.
 *
 * `filterMatches` runs the compiled filter (./filter-compile.ts); `explainFilter` walks the
 * filter itself to say why it does not match. Both count their work against one budget
 * (./filter-operators.ts).
 */

export interface FilterReason {
  /** Where in the envelope, e.g. `data.StatusBoleto.Status` (the path of an array for what no element matched). */
  path: string;
  /** The operator that did not hold; `equals` for a plain value, `contains` for one sought in an array. */
  operator: string;
  /** The filter's operand. */
  expected: unknown;
  /** What the envelope holds there: a primitive as it is (cut to 120 characters), otherwise its kind. */
  actual: string;
}

export type FilterOutcome = { matches: true } | { matches: false; reasons: FilterReason[] };

const MAX_REASONS = 10;

const BUDGET_REASON: FilterReason = { path: "(envelope)", operator: "(budget)", expected: `at most ${MAX_FILTER_WORK} units of work`, actual: "more" };

/** Whether the envelope matches; the fast path of ingest. Past the work budget it does not. */
export function filterMatches(filter: Record<string, unknown>, envelope: unknown): boolean {
  const work = budget();
  return compiled(filter)(envelope, work) && !work.spent;
}

/** Whether it matches (the fast path's answer) and, when not, why: the answer of `POST /admin/routes/test-filter`. */
export function explainFilter(filter: Record<string, unknown>, envelope: unknown): FilterOutcome {
  const work = budget();
  const matches = compiled(filter)(envelope, work);
  if (work.spent) return { matches: false, reasons: [BUDGET_REASON] };
  if (matches) return { matches: true };
  const reasons: FilterReason[] = [];
  const again = budget();
  matchNode(filter, envelope, "", { reasons, budget: again });
  if (again.spent && reasons.length < MAX_REASONS) reasons.push(BUDGET_REASON);
  return { matches: false, reasons };
}

/** Reasons are kept only when asked for (and never inside `$or` and `$not`); the budget is shared. */
interface Run {
  reasons: FilterReason[] | undefined;
  budget: Budget;
}

function quiet(ctx: Run): Run {
  return ctx.reasons ? { reasons: undefined, budget: ctx.budget } : ctx;
}

function fail(ctx: Run, path: string, operator: string, expected: unknown, actual: unknown): false {
  const reasons = ctx.reasons;
  if (reasons && reasons.length < MAX_REASONS) reasons.push({ path: path || "(envelope)", operator, expected, actual: describe(actual) });
  return false;
}

/** Paths are built only for reasons. */
function child(ctx: Run, path: string, key: string): string {
  if (!ctx.reasons) return "";
  return path ? `${path}.${key}` : key;
}

function matchNode(filter: unknown, value: unknown, path: string, ctx: Run): boolean {
  if (Array.isArray(filter)) return matchEvery(filter, value, path, ctx);
  if (isPlainObject(filter)) return matchObject(filter, value, path, ctx);
  const wanted = filter as Primitive;
  if (Array.isArray(value)) return holds(value, wanted, ctx.budget) || fail(ctx, path, "contains", wanted, value);
  return sameValue(value, wanted) || fail(ctx, path, "equals", wanted, value);
}

/** A filter array: the envelope's array holds every listed value (or an element matching each listed object). */
function matchEvery(filter: unknown[], value: unknown, path: string, ctx: Run): boolean {
  if (!Array.isArray(value)) return fail(ctx, path, "contains", filter, value);
  const inner = quiet(ctx);
  let all = true;
  for (const item of filter) {
    const found = isPrimitive(item)
      ? holds(value, item, ctx.budget)
      : spend(ctx.budget, tryCost(item) * value.length) && value.some((element) => matchNode(item, element, "", inner));
    if (!found) {
      all = fail(ctx, path, "contains", item, value);
      if (!ctx.reasons) return false;
    }
  }
  return all;
}

function matchObject(filter: Record<string, unknown>, value: unknown, path: string, ctx: Run): boolean {
  const shape = shapeOf(filter);
  // Fields against an array: some element must match the whole object.
  if (shape.hasFields && Array.isArray(value)) return someElement(filter, shape, value, ctx) || fail(ctx, path, "contains", filter, value);
  return matchShaped(filter, shape, value, path, ctx);
}

function someElement(filter: Record<string, unknown>, shape: Shape, array: unknown[], ctx: Run): boolean {
  const inner = quiet(ctx);
  if (!spend(ctx.budget, tryCost(filter) * array.length)) return false;
  for (const element of array) {
    const found = Array.isArray(element) ? someElement(filter, shape, element, inner) : matchShaped(filter, shape, element, "", inner);
    if (found) return true;
  }
  return false;
}

function matchShaped(filter: Record<string, unknown>, { keys }: Shape, value: unknown, path: string, ctx: Run): boolean {
  let all = true;
  for (const key of keys) {
    const holds = isOperator(key) ? matchOperator(key, filter[key], value, path, ctx) : matchField(key, filter[key], value, path, ctx);
    if (!holds) {
      all = false;
      if (!ctx.reasons) return false;
    }
  }
  return all;
}

/** A filter object's keys, and whether any names a field, read once per object. */
interface Shape {
  keys: string[];
  hasFields: boolean;
}
const shapes = new WeakMap<object, Shape>();

function shapeOf(filter: Record<string, unknown>): Shape {
  let shape = shapes.get(filter);
  if (!shape) {
    const keys = Object.keys(filter);
    shape = { keys, hasFields: keys.some((key) => !key.startsWith("$")) };
    shapes.set(filter, shape);
  }
  return shape;
}

function matchField(key: string, filter: unknown, value: unknown, path: string, ctx: Run): boolean {
  const at = child(ctx, path, key);
  const held = isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  if (held === undefined && !isPlainObject(filter)) return fail(ctx, at, Array.isArray(filter) ? "contains" : "equals", filter, undefined);
  return matchNode(filter, held, at, ctx);
}

function matchOperator(operator: Operator, operand: unknown, value: unknown, path: string, ctx: Run): boolean {
  switch (operator) {
    case "$and": {
      const inner: Run = ctx.reasons ? { reasons: [], budget: ctx.budget } : ctx;
      const all = (operand as unknown[]).every((filter) => matchNode(filter, value, path, inner));
      if (!all && ctx.reasons && inner.reasons) ctx.reasons.push(...inner.reasons.slice(0, MAX_REASONS - ctx.reasons.length));
      return all;
    }
    case "$or":
      return (operand as unknown[]).some((filter) => matchNode(filter, value, path, quiet(ctx))) || fail(ctx, path, "$or", operand, value);
    case "$not":
      return !matchNode(operand, value, path, quiet(ctx)) || fail(ctx, path, "$not", operand, value);
    default:
      return valueOperator(operator, operand, value, ctx.budget) || fail(ctx, path, operator, operand, value);
  }
}
