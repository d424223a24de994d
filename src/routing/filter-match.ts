import { isOperator, isPlainObject, isPrimitive, type Operator, type Primitive } from "./filter";

/**
 * Matching a checked filter (./filter.ts) against an envelope, Hookdeck's way: a plain value
 * matches by equality, or by being one of the elements when the envelope holds an array there; an
 * object descends (against an array: some element matches it); an array in the filter matches an
 * array that contains every listed value. Several keys in one object must all hold.
 *
 * The cost: a filter's value meets only the envelope's values at its own path (and the elements
 * of arrays found there), with short-cuts: the primitives of an envelope array are put in a Set
 * once, whatever number of filter values test them; `$in` lists are Sets. So matching is linear
 * in the envelope for a filter of bounded size (MAX_FILTER_NODES), and the bench row of
 * docs/benchmarks.md measures the worst case. Reasons are built only when asked for.
 */

export interface FilterReason {
  /** Where in the envelope, e.g. `data.StatusBoleto.Status`; `[]` marks the elements of an array. */
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

/** Whether the envelope matches; the fast path of ingest. */
export function filterMatches(filter: Record<string, unknown>, envelope: unknown): boolean {
  return matchNode(filter, envelope, "", undefined);
}

/** Whether it matches and, when not, why: the answer of `POST /admin/routes/test-filter`. */
export function explainFilter(filter: Record<string, unknown>, envelope: unknown): FilterOutcome {
  const reasons: FilterReason[] = [];
  return matchNode(filter, envelope, "", reasons) ? { matches: true } : { matches: false, reasons };
}

type Reasons = FilterReason[] | undefined;

function fail(reasons: Reasons, path: string, operator: string, expected: unknown, actual: unknown): false {
  if (reasons && reasons.length < MAX_REASONS) reasons.push({ path: path || "(envelope)", operator, expected, actual: describe(actual) });
  return false;
}

function matchNode(filter: unknown, value: unknown, path: string, reasons: Reasons): boolean {
  if (Array.isArray(filter)) return matchEvery(filter, value, path, reasons);
  if (isPlainObject(filter)) return matchObject(filter, value, path, reasons);
  const wanted = filter as Primitive;
  if (Array.isArray(value)) return primitivesOf(value).has(wanted) || fail(reasons, path, "contains", wanted, value);
  return value === wanted || fail(reasons, path, "equals", wanted, value);
}

/** A filter array: the envelope's array holds every listed value (or an element matching each listed object). */
function matchEvery(filter: unknown[], value: unknown, path: string, reasons: Reasons): boolean {
  if (!Array.isArray(value)) return fail(reasons, path, "contains", filter, value);
  let all = true;
  for (const item of filter) {
    const found = isPrimitive(item) ? primitivesOf(value).has(item) : value.some((element) => matchNode(item, element, `${path}[]`, undefined));
    if (!found) {
      all = fail(reasons, path, "contains", item, value);
      if (!reasons) return false;
    }
  }
  return all;
}

function matchObject(filter: Record<string, unknown>, value: unknown, path: string, reasons: Reasons): boolean {
  const keys = Object.keys(filter);
  const hasFields = keys.some((key) => !key.startsWith("$"));
  // Fields against an array: some element must match the whole object.
  if (hasFields && Array.isArray(value)) {
    return value.some((element) => matchObject(filter, element, `${path}[]`, undefined)) || fail(reasons, path, "contains", filter, value);
  }
  let all = true;
  for (const key of keys) {
    const holds = isOperator(key) ? matchOperator(key, filter[key], value, path, reasons) : matchField(key, filter[key], value, path, reasons);
    if (!holds) {
      all = false;
      if (!reasons) return false;
    }
  }
  return all;
}

function matchField(key: string, filter: unknown, value: unknown, path: string, reasons: Reasons): boolean {
  const at = path ? `${path}.${key}` : key;
  const child = isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  if (child === undefined && !isPlainObject(filter)) return fail(reasons, at, Array.isArray(filter) ? "contains" : "equals", filter, undefined);
  return matchNode(filter, child, at, reasons);
}

function matchOperator(operator: Operator, operand: unknown, value: unknown, path: string, reasons: Reasons): boolean {
  switch (operator) {
    case "$and": {
      const inner: Reasons = reasons ? [] : undefined;
      const all = (operand as unknown[]).every((filter) => matchNode(filter, value, path, inner));
      if (!all && reasons && inner) reasons.push(...inner.slice(0, MAX_REASONS - reasons.length));
      return all;
    }
    case "$or":
      return (operand as unknown[]).some((filter) => matchNode(filter, value, path, undefined)) || fail(reasons, path, "$or", operand, value);
    case "$not":
      return !matchNode(operand, value, path, undefined) || fail(reasons, path, "$not", operand, value);
    default:
      return valueOperator(operator, operand, value) || fail(reasons, path, operator, operand, value);
  }
}

function valueOperator(operator: Operator, operand: unknown, value: unknown): boolean {
  if (operator === "$exist") return (value !== undefined) === operand;
  if (value === undefined) return false;
  switch (operator) {
    case "$eq":
      return deepEqual(value, operand);
    case "$neq":
      return !deepEqual(value, operand);
    case "$in":
      return contains(operand as string | Primitive[], value);
    case "$nin":
      return !contains(operand as string | Primitive[], value);
    case "$gt":
      return (compare(value, operand as number | string) ?? Number.NaN) > 0;
    case "$gte":
      return (compare(value, operand as number | string) ?? Number.NaN) >= 0;
    case "$lt":
      return (compare(value, operand as number | string) ?? Number.NaN) < 0;
    case "$lte":
      return (compare(value, operand as number | string) ?? Number.NaN) <= 0;
    case "$startsWith":
      return typeof value === "string" && value.startsWith(operand as string);
    case "$endsWith":
      return typeof value === "string" && value.endsWith(operand as string);
    default:
      return false;
  }
}

/**
 * `$in`: with a list, the value is one of it (an array: one of its elements is); with a string,
 * the value is a string containing it, or an array holding it.
 */
function contains(operand: string | Primitive[], value: unknown): boolean {
  if (typeof operand === "string") {
    if (typeof value === "string") return value.includes(operand);
    return Array.isArray(value) && primitivesOf(value).has(operand);
  }
  if (Array.isArray(value)) {
    const held = primitivesOf(value);
    return operand.some((item) => held.has(item));
  }
  return isPrimitive(value) && listSet(operand).has(value);
}

/** A decimal number as text: "10000.00", "-3", "1e3". Longer text is not read as a number. */
const NUMERIC_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const MAX_NUMERIC_TEXT = 64;

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.length <= MAX_NUMERIC_TEXT && NUMERIC_TEXT.test(value)) return Number(value);
  return undefined;
}

/**
 * The sign of value − operand. A number, or text holding one, compares as a number with a
 * numeric operand; other text compares with a text operand by code units (ISO dates order
 * right). Anything else does not compare.
 */
function compare(value: unknown, operand: number | string): number | undefined {
  const target = asNumber(operand);
  if (target !== undefined) {
    const actual = asNumber(value);
    return actual === undefined ? undefined : Math.sign(actual - target);
  }
  if (typeof value !== "string") return undefined;
  return value < operand ? -1 : value > operand ? 1 : 0;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(b);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(a, key) && deepEqual(a[key], b[key]));
}

/** The primitives of an envelope array (nested arrays flattened), built once per array. */
const arrayPrimitives = new WeakMap<unknown[], Set<unknown>>();

function primitivesOf(array: unknown[]): Set<unknown> {
  let set = arrayPrimitives.get(array);
  if (set) return set;
  set = new Set();
  const pending: unknown[][] = [array];
  for (let list = pending.pop(); list !== undefined; list = pending.pop()) {
    for (const item of list) {
      if (Array.isArray(item)) pending.push(item);
      else if (isPrimitive(item)) set.add(item);
    }
  }
  arrayPrimitives.set(array, set);
  return set;
}

const listSets = new WeakMap<Primitive[], Set<unknown>>();

function listSet(list: Primitive[]): Set<unknown> {
  let set = listSets.get(list);
  if (!set) {
    set = new Set(list);
    listSets.set(list, set);
  }
  return set;
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isPlainObject(value)) return "an object";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
