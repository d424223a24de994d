import { isOperator, isPlainObject, isPrimitive, type Operator, type Primitive } from "./filter";
import { type Budget, holds, sameValue, spend, tryCost, valueOperator } from "./filter-operators";

/**
 * The fast matcher ingest runs: a checked filter (./filter.ts) turned once into a tree of
 * closures, so meeting an envelope value reads no filter keys and builds no paths. The rules are
 * ./filter-match.ts's, which walks the filter itself to say why it does not match; the tests hold
 * the two to the same answers.
 */
export type Test = (value: unknown, budget: Budget) => boolean;

const tests = new WeakMap<object, Test>();

/** The filter's test, made once per filter object (config routes keep theirs for the isolate's life). */
export function compiled(filter: Record<string, unknown>): Test {
  let test = tests.get(filter);
  if (!test) {
    test = compile(filter);
    tests.set(filter, test);
  }
  return test;
}

function compile(filter: unknown): Test {
  if (Array.isArray(filter)) return compileEvery(filter);
  if (isPlainObject(filter)) return compileObject(filter);
  const wanted = filter as Primitive;
  return (value, budget) => (Array.isArray(value) ? holds(value, wanted, budget) : sameValue(value, wanted));
}

/** An array in the filter: the envelope's array holds each listed value, or an element matching each listed object. */
function compileEvery(filter: unknown[]): Test {
  const items = filter.map((item) => (isPrimitive(item) ? { wanted: item } : { test: compile(item), cost: tryCost(item) }));
  return (value, budget) => {
    if (!Array.isArray(value)) return false;
    for (const item of items) {
      const found = item.test ? some(value, item.test, item.cost, budget) : holds(value, item.wanted as Primitive, budget);
      if (!found) return false;
    }
    return true;
  };
}

function compileObject(filter: Record<string, unknown>): Test {
  const keys = Object.keys(filter);
  const names = keys.filter((key) => !isOperator(key));
  const fields = names.map((key) => compile(filter[key]));
  const operators = keys.filter(isOperator).map((operator) => compileOperator(operator, filter[operator]));
  const all: Test = (value, budget) => {
    const object = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    for (let i = 0; i < fields.length; i++) {
      const key = names[i]!;
      if (!fields[i]!(object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined, budget)) return false;
    }
    for (let i = 0; i < operators.length; i++) if (!operators[i]!(value, budget)) return false;
    return true;
  };
  if (fields.length === 0) return all;
  // Fields against an array: some element (of nested arrays too) matches the whole object.
  const cost = tryCost(filter);
  const test: Test = (value, budget) => (Array.isArray(value) ? some(value, test, cost, budget) : all(value, budget));
  return test;
}

function compileOperator(operator: Operator, operand: unknown): Test {
  switch (operator) {
    case "$and": {
      const all = (operand as unknown[]).map(compile);
      return (value, budget) => all.every((test) => test(value, budget));
    }
    case "$or": {
      const any = (operand as unknown[]).map(compile);
      return (value, budget) => any.some((test) => test(value, budget));
    }
    case "$not": {
      const inner = compile(operand);
      return (value, budget) => !inner(value, budget);
    }
    default:
      return (value, budget) => valueOperator(operator, operand, value, budget);
  }
}

/** Some element passes; each try costs `cost`. */
function some(array: unknown[], test: Test, cost: number, budget: Budget): boolean {
  // The whole scan is paid before it starts: a scan the budget cannot cover is not begun.
  if (!spend(budget, cost * array.length)) return false;
  for (let i = 0; i < array.length; i++) if (test(array[i], budget)) return true;
  return false;
}
