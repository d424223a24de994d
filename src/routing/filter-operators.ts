import { isPlainObject, isPrimitive, type Operator, type Primitive } from "./filter";

/**
 * What the two matchers share (./filter-compile.ts, the fast one ingest uses, and
 * ./filter-match.ts, the one that says why): the value operators and the work budget.
 *
 * The budget is counted in units of about a nanosecond of CPU on V8 (bench/filter.ts measures
 * them). Work is counted where it can grow with the envelope, and paid before a scan starts (a
 * scan the budget cannot cover is not begun): each element an array is scanned for (ELEMENT),
 * each element a filter object or array is tried on (`tryCost`), each
 * character `$in` searches (CHARACTER). The rest is bounded by the filter's own size. One pass over a 1 MiB envelope fits; many filter values fanning out over the same
 * long array or text may not (a filter of MAX_FILTER_NODES values against 130,000 elements
 * would be millions of tries): work the budget cannot cover is not begun, the filter does not
 * match, and the reason says so.
 */
export const MAX_FILTER_WORK = 3_000_000;
export const ELEMENT = 4;
export const CHARACTER = 2;

export interface Budget {
  left: number;
  /** Set when a piece of work was refused: the match's answer is then "no", whatever the rest says. */
  spent: boolean;
}

export function budget(): Budget {
  return { left: MAX_FILTER_WORK, spent: false };
}

/** Takes the units, or refuses the work (false) when the budget cannot cover it; the caller then does none of it. */
export function spend(budget: Budget, units: number): boolean {
  if (budget.spent || units > budget.left) {
    budget.spent = true;
    return false;
  }
  budget.left -= units;
  return true;
}

/** What trying a filter on one element weighs, in ELEMENTs: the try itself, and the filter's values. */
export function tryCost(filter: unknown): number {
  return (TRY + weightOf(filter)) * ELEMENT;
}

const TRY = 3;

/** How many values a filter holds. */
const weights = new WeakMap<object, number>();

function weightOf(filter: unknown): number {
  if (typeof filter !== "object" || filter === null) return 1;
  let weight = weights.get(filter);
  if (weight === undefined) {
    weight = 1;
    for (const child of Object.values(filter)) weight += weightOf(child);
    weights.set(filter, weight);
  }
  return weight;
}

export function valueOperator(operator: Operator, operand: unknown, value: unknown, budget: Budget): boolean {
  if (operator === "$exist") return (value !== undefined) === operand;
  if (value === undefined) return false;
  switch (operator) {
    case "$eq":
      return deepEqual(value, operand);
    case "$neq":
      return !deepEqual(value, operand);
    case "$in":
      return contains(operand as string | Primitive[], value, budget);
    case "$nin":
      return !contains(operand as string | Primitive[], value, budget);
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
function contains(operand: string | Primitive[], value: unknown, budget: Budget): boolean {
  if (typeof operand === "string") {
    if (typeof value === "string") {
      return spend(budget, value.length * CHARACTER) && value.includes(operand);
    }
    return Array.isArray(value) && holds(value, operand, budget);
  }
  if (Array.isArray(value)) {
    const listed = listSet(operand);
    return someLeaf(value, (item) => listed.has(item), budget);
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
  // Counting a's keys stops one past b's: the envelope's object is never listed whole.
  let count = 0;
  for (const key in a) if (Object.hasOwn(a, key) && ++count > keys.length) return false;
  return count === keys.length && keys.every((key) => Object.hasOwn(a, key) && deepEqual(a[key], b[key]));
}

/** Whether an envelope array (its nested arrays too) holds the primitive. */
export function holds(array: unknown[], wanted: Primitive, budget: Budget): boolean {
  if (!spend(budget, 1 + array.length * ELEMENT)) return false;
  // The engine's own search first; then the nested arrays, if there are any.
  if (array.includes(wanted)) return true;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (Array.isArray(item) && holds(item, wanted, budget)) return true;
  }
  return false;
}

function someLeaf(array: unknown[], test: (item: unknown) => boolean, budget: Budget): boolean {
  if (!spend(budget, 1 + array.length * ELEMENT)) return false;
  for (const item of array) {
    if (Array.isArray(item) ? someLeaf(item, test, budget) : test(item)) return true;
  }
  return false;
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

export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isPlainObject(value)) return "an object";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
