import { type Focus, isFunctionValue, Meter, spend, TOUCHES_PER_UNIT } from "./transform-size";

/**
 * JSONata's collection builtins, replaced for transforms (./transform-functions.ts): the same
 * answers, linear (or n log n), paying a unit per TOUCHES_PER_UNIT values or keys they touch as
 * they go. JSONata's `$spread` appends by copying (quadratic), and its `$sort` is a merge sort that
 * copies what is left of a list at each comparison.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !isFunctionValue(value);

export function keys(this: Focus, value: unknown): unknown[] {
  const meter = new Meter(this.environment);
  // JSONata merges an array's keys through an object: the same order (integer-like keys first).
  const merged: Record<string, true> = Object.create(null);
  const collect = (item: unknown) => {
    meter.pay();
    if (Array.isArray(item)) for (const each of item) collect(each);
    else if (isObject(item)) {
      const own = Object.keys(item);
      meter.pay(own.length);
      for (const key of own) merged[key] = true;
    }
  };
  collect(value);
  const result = this.createSequence();
  for (const key of Object.keys(merged)) result.push(key);
  return result;
}

export function lookup(this: Focus, input: unknown, key: string): unknown {
  const meter = new Meter(this.environment);
  const find = (value: unknown): unknown => {
    meter.pay();
    if (Array.isArray(value)) {
      const result = this.createSequence();
      for (const item of value) {
        const found = find(item);
        if (Array.isArray(found)) for (const each of found) result.push(each);
        else if (found !== undefined) result.push(found);
      }
      return result;
    }
    return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  };
  return find(input);
}

export function merge(this: Focus, objects: unknown[] | undefined): unknown {
  if (objects === undefined) return undefined;
  const meter = new Meter(this.environment);
  const result: Record<string, unknown> = Object.create(null);
  for (const object of objects) {
    if (!isObject(object)) continue;
    const own = Object.keys(object);
    meter.pay(own.length + 1);
    for (const key of own) result[key] = object[key];
  }
  return result;
}

/** `$spread`: an object's keys as objects of one key each; an array's items spread in turn, in one list. */
export function spread(this: Focus, value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return this.createSequence();
    const meter = new Meter(this.environment);
    const out: unknown[] = [];
    const into = (item: unknown) => {
      meter.pay();
      if (Array.isArray(item)) for (const each of item) into(each);
      else if (isObject(item)) {
        const own = Object.keys(item);
        // An object made for each key: two touches.
        meter.pay(2 * own.length);
        for (const key of own) out.push(one(key, item[key]));
      } else if (item !== undefined) out.push(item);
    };
    for (const item of value) into(item);
    return out;
  }
  if (!isObject(value)) return value;
  const result = this.createSequence();
  new Meter(this.environment).pay(2 * Object.keys(value).length);
  for (const key of Object.keys(value)) result.push(one(key, value[key]));
  return result;
}

function one(key: string, value: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null);
  object[key] = value;
  return object;
}

type Comparator = { apply(self: unknown, args: unknown[]): Promise<unknown> };

/** `$sort`: V8's (stable) sort without a comparator; with one, a merge sort that awaits it and copies nothing twice. */
export async function sort(this: Focus, values: unknown[] | undefined, comparator?: Comparator): Promise<unknown[] | undefined> {
  if (values === undefined || values.length <= 1) return values;
  const n = values.length;
  spend(this.environment, Math.floor((n * Math.ceil(Math.log2(n))) / TOUCHES_PER_UNIT));
  if (comparator === undefined) {
    if (!values.every((v) => typeof v === "number") && !values.every((v) => typeof v === "string")) throw { code: "D3070", index: 1 };
    return [...values].sort((a, b) => ((a as number) > (b as number) ? 1 : (a as number) < (b as number) ? -1 : 0));
  }
  let from = [...values];
  let to = new Array<unknown>(n);
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      let left = start;
      const middle = Math.min(start + width, n);
      let right = middle;
      const end = Math.min(start + 2 * width, n);
      for (let k = start; k < end; k++) {
        // The comparator says true when its first value goes after its second: then the right one comes first.
        const takeRight = left >= middle || (right < end && (await comparator.apply(this, [from[left], from[right]])) === true);
        to[k] = takeRight ? from[right++] : from[left++];
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
