import { isPlainObject, isPrimitive, type Operator, type Primitive } from "./filter";

/**
 * What the two matchers share (./filter-compile.ts, the fast one ingest uses, and
 * ./filter-match.ts, the one that says why): the value operators and the work budget.
 *
 * The budget is counted in units of about a nanosecond of CPU on V8 (bench/filter.ts measures
 * them). Work is counted where it can grow with the envelope, and paid before a scan starts (a
 * scan the budget cannot cover is not begun): each element an array is scanned for (ELEMENT),
 * each element a filter object or array is tried on (`tryCost`), each
 * character `$in` searches (CHARACTER), each text read as a number while looking for a number
 * (NUMERIC_TEXT_COST). The rest is bounded by the filter's own size: equality (`equals`) looks only
 * at what the operand lists, never at an envelope object's other keys, since listing the keys of
 * an object of 96,000 costs ~17 ms on V8 however early the loop stops. One pass over a 1 MiB
 * envelope fits; many filter values fanning out over the same
 * long array or text may not (a filter of MAX_FILTER_NODES values against 130,000 elements
 * would be millions of tries): work the budget cannot cover is not begun, the filter does not
 * match, and the reason says so.
 */
export const MAX_FILTER_WORK = 3_000_000;
export const ELEMENT = 4;
export const CHARACTER = 2;
export const NUMERIC_TEXT_COST = 40;

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
      return equals(value, operand);
    case "$neq":
      return !equals(value, operand);
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
 * the value is a string containing it, or an array holding it. A number and text holding one
 * are the same value here too (see `sameValue`).
 */
function contains(operand: string | Primitive[], value: unknown, budget: Budget): boolean {
  if (typeof operand === "string") {
    if (typeof value === "string") {
      return spend(budget, value.length * CHARACTER) && value.includes(operand);
    }
    return Array.isArray(value) && holds(value, operand, budget);
  }
  const listed = listOf(operand);
  if (Array.isArray(value)) return someLeaf(value, (item) => listed.has(item, budget), budget);
  return isPrimitive(value) && listed.has(value, budget);
}

/** A decimal number as text: "10000.00", "-3", "1e3". Longer text is not read as a number. */
const NUMERIC_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
const MAX_NUMERIC_TEXT = 64;

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string") return textNumber(value);
  return undefined;
}

function textNumber(text: string): number | undefined {
  return mayBeNumber(text) && NUMERIC_TEXT.test(text) ? Number(text) : undefined;
}

/** Most text is told apart by its length and first character, before any regular expression runs. */
function mayBeNumber(text: string): boolean {
  if (text.length === 0 || text.length > MAX_NUMERIC_TEXT) return false;
  const first = text.charCodeAt(0);
  return first === 0x2d || (first >= 0x30 && first <= 0x39);
}

/**
 * Equality of two primitives: the same value, or a number and text holding that number (`3` and
 * `"3"`, `10` and `"10.00"`), as the ordering operators compare them. Two texts compare as text.
 */
export function sameValue(value: unknown, wanted: unknown): boolean {
  if (value === wanted) return true;
  if (typeof value === "number" && typeof wanted === "string") return value === textNumber(wanted);
  if (typeof value === "string" && typeof wanted === "number") return textNumber(value) === wanted;
  return false;
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

/**
 * `$eq`: the value equals the operand. Primitives by `sameValue`; arrays element by element,
 * of the same length; an object operand names the fields the value must hold, each equal, and
 * the value's other fields are not looked at (providers add fields; and listing an envelope
 * object's keys would cost as many steps as it has keys, which no budget counts beforehand).
 * The work is bounded by the operand: at most MAX_FILTER_NODES values.
 */
export function equals(value: unknown, operand: unknown): boolean {
  if (Array.isArray(operand)) {
    if (!Array.isArray(value) || value.length !== operand.length) return false;
    for (let i = 0; i < operand.length; i++) if (!equals(value[i], operand[i])) return false;
    return true;
  }
  if (isPlainObject(operand)) {
    if (!isPlainObject(value)) return false;
    for (const key of Object.keys(operand)) if (!Object.hasOwn(value, key) || !equals(value[key], operand[key])) return false;
    return true;
  }
  return sameValue(value, operand);
}

/**
 * Whether an envelope array (its nested arrays too) holds the primitive; a number is also held
 * as text, and text holding a number as that number (each such text read costs NUMERIC_TEXT_COST).
 */
export function holds(array: unknown[], wanted: Primitive, budget: Budget): boolean {
  if (!spend(budget, 1 + array.length * ELEMENT)) return false;
  // The engine's own search first; then the other form of a number, and nested arrays.
  if (array.includes(wanted)) return true;
  const number = typeof wanted === "string" ? textNumber(wanted) : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (Array.isArray(item)) {
      if (holds(item, wanted, budget)) return true;
    } else if (typeof wanted === "number" && typeof item === "string" && mayBeNumber(item)) {
      if (!spend(budget, NUMERIC_TEXT_COST)) return false;
      if (textNumber(item) === wanted) return true;
    } else if (number !== undefined && item === number) return true;
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

/** An `$in` list, looked up in one step: its values, and the numbers it holds in each form. */
interface List {
  has(value: unknown, budget: Budget): boolean;
}

const lists = new WeakMap<Primitive[], List>();

function listOf(operand: Primitive[]): List {
  let list = lists.get(operand);
  if (!list) {
    const values = new Set<unknown>(operand);
    const numbers = new Set(operand.filter((v) => typeof v === "number"));
    const texts = new Set(operand.flatMap((v) => (typeof v === "string" ? (textNumber(v) ?? []) : [])));
    list = {
      has(value, budget) {
        if (values.has(value)) return true;
        if (typeof value === "number") return texts.has(value);
        if (typeof value !== "string" || numbers.size === 0 || !mayBeNumber(value)) return false;
        if (!spend(budget, NUMERIC_TEXT_COST)) return false;
        const number = textNumber(value);
        return number !== undefined && numbers.has(number);
      },
    };
    lists.set(operand, list);
  }
  return list;
}

export function describe(value: unknown): string {
  if (value === undefined) return "missing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isPlainObject(value)) return "an object";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
