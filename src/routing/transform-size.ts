/**
 * The work counter of one transform evaluation (docs/transforms.md, "Budget"), kept on JSONata's
 * per-evaluation base frame, and the size of the values a step walks. Plain functions over that
 * frame: ./transform-budget.ts calls them from JSONata's hooks, ./transform-functions.ts from the
 * bounded builtins.
 */

export const MAX_TRANSFORM_WORK = 2_000;
/** A step's result costs one more unit per this many characters… */
export const STRING_UNIT = 1024;
/** …or this many elements. */
export const ARRAY_UNIT = 64;
/** What a value counts as in a size, besides its characters: an element costs as much in either unit. */
export const VALUE_SIZE = STRING_UNIT / ARRAY_UNIT;
const MAX_MEASURE_DEPTH = 4096;

/** The evaluation's base frame: its count of work, and the sizes of the objects measured so far. */
export interface Frame {
  base: { hookgateWork?: number; hookgateSizes?: WeakMap<object, number>; depth?: number };
}

export function budgetError(): { code: string; message: string } {
  return { code: "T0002", message: `the transform took more than ${MAX_TRANSFORM_WORK} units of work` };
}

export function spend(environment: Frame, units: number): void {
  const base = environment.base;
  const work = (base.hookgateWork ?? 0) + units;
  base.hookgateWork = work;
  if (work > MAX_TRANSFORM_WORK) throw budgetError();
}

/** Units left to this evaluation. */
export function remaining(environment: Frame): number {
  return MAX_TRANSFORM_WORK - (environment.base.hookgateWork ?? 0);
}

/**
 * Charges the size of `value` before a step walks it: `weight` units per STRING_UNIT of size (a
 * part started is paid whole: measuring it was work). The walk
 * stops as soon as the size passes what is left of the budget, and each object is measured once
 * per evaluation, so measuring costs no more than the budget it guards.
 */
export function chargeSize(environment: Frame, value: unknown, weight = 1): void {
  const base = environment.base;
  base.hookgateSizes ??= new WeakMap();
  const size = measure(value, base.hookgateSizes, (remaining(environment) * STRING_UNIT) / weight);
  if (size === undefined) throw budgetError();
  spend(environment, Math.ceil((size * weight) / STRING_UNIT));
}

/**
 * The size of a value: its strings' and keys' characters, plus VALUE_SIZE for each value, a shared
 * part counted each time it appears (as in its JSON text). Undefined as soon as it passes `limit`.
 * Objects of a STRING_UNIT or more are remembered in `sizes`, so a tree of references
 * (`[$$, $$, $$]`) is measured in the time its distinct objects take, not the size it stands for.
 */
export function measure(value: unknown, sizes: WeakMap<object, number>, limit: number, depth = 0): number | undefined {
  if (typeof value === "string") return VALUE_SIZE + value.length;
  if (typeof value !== "object" || value === null || isFunctionValue(value)) return VALUE_SIZE;
  const known = sizes.get(value);
  if (known !== undefined) return known <= limit ? known : undefined;
  if (depth > MAX_MEASURE_DEPTH) return undefined;
  let size = VALUE_SIZE;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const part = partSize(value[i], sizes, limit - size, depth);
      if (part === undefined) return undefined;
      size += part;
      if (size > limit) return undefined;
    }
  } else {
    const object = value as Record<string, unknown>;
    for (const key in object) {
      const part = partSize(object[key], sizes, limit - size, depth);
      if (part === undefined) return undefined;
      size += key.length + part;
      if (size > limit) return undefined;
    }
  }
  if (size >= STRING_UNIT) sizes.set(value, size);
  return size;
}

/** An item's or a member's size: a string or a scalar at once (the common case, no call), an object one level down. */
function partSize(item: unknown, sizes: WeakMap<object, number>, limit: number, depth: number): number | undefined {
  if (typeof item === "string") return VALUE_SIZE + item.length;
  if (typeof item !== "object" || item === null) return VALUE_SIZE;
  return measure(item, sizes, limit, depth + 1);
}

export function isFunctionValue(value: unknown): boolean {
  const marked = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown } | null;
  return (
    typeof value === "function" || (typeof value === "object" && value !== null && (marked?._jsonata_lambda === true || marked?._jsonata_function === true))
  );
}

/** What JSONata gives a builtin as `this`. */
export interface Focus {
  environment: Frame;
  createSequence(): unknown[];
}

/** Values, keys or matches a builtin touches for one unit (bench/transform.ts: about a microsecond). */
export const TOUCHES_PER_UNIT = 8;

/** Counts the values a builtin touches, paying a unit each TOUCHES_PER_UNIT of them. */
export class Meter {
  private touched = 0;
  constructor(private readonly environment: Frame) {}
  pay(values = 1): void {
    this.touched += values;
    if (this.touched >= TOUCHES_PER_UNIT) {
      spend(this.environment, Math.floor(this.touched / TOUCHES_PER_UNIT));
      this.touched %= TOUCHES_PER_UNIT;
    }
  }
}
