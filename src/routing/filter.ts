import * as z from "zod";

/**
 * A route's payload filter (docs/configuration.md, "Filters"): a JSON object matched against the
 * envelope as delivered, in the syntax Hookdeck, Outpost and Convoy share. This file holds the
 * words and the load-time checks; ./filter-match.ts holds the matching.
 *
 * A filter is checked when it is loaded, with its size bounded, so matching never meets an
 * operator it does not know or an operand of the wrong kind: whatever reaches the matcher is a
 * tree of at most MAX_FILTER_NODES values, MAX_FILTER_DEPTH deep.
 */

export const MAX_FILTER_DEPTH = 12;
export const MAX_FILTER_NODES = 128;
export const MAX_FILTER_STRING = 1024;

/** Operators that compare the value at their place with an operand. */
export const VALUE_OPERATORS = ["$eq", "$neq", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$startsWith", "$endsWith", "$exist"] as const;
/** Operators that combine filters over the value at their place. */
export const LOGICAL_OPERATORS = ["$and", "$or", "$not"] as const;
export type Operator = (typeof VALUE_OPERATORS)[number] | (typeof LOGICAL_OPERATORS)[number];

const OPERATORS = new Set<string>([...VALUE_OPERATORS, ...LOGICAL_OPERATORS]);

export function isOperator(key: string): key is Operator {
  return OPERATORS.has(key);
}

export interface FilterProblem {
  /** Keys from the filter's root to the place of the problem. */
  path: (string | number)[];
  message: string;
}

/** Everything wrong with a filter, each named by its path and operator; empty when it may be used. */
export function filterProblems(filter: unknown): FilterProblem[] {
  const problems: FilterProblem[] = [];
  if (!isPlainObject(filter)) return [{ path: [], message: 'a filter is a JSON object, for example {"data": {"status": 3}}' }];
  let nodes = 0;
  const report = (path: (string | number)[], message: string) => {
    if (problems.length < 20) problems.push({ path, message });
  };

  /** Counts and bounds a value; `asFilter` also checks the operators in it (an `$eq` operand is literal). */
  const walk = (node: unknown, path: (string | number)[], depth: number, asFilter: boolean): void => {
    nodes += 1;
    if (nodes === MAX_FILTER_NODES + 1) report(path, `a filter holds at most ${MAX_FILTER_NODES} values`);
    const bound = boundProblem(node, depth);
    if (bound) {
      report(path, bound);
      return;
    }
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, i], depth + 1, asFilter);
      return;
    }
    if (!isPlainObject(node)) return;
    const keys = Object.keys(node);
    const fields = keys.filter((k) => !k.startsWith("$"));
    for (const key of keys) {
      const at = [...path, key];
      if (asFilter && key === "__proto__") {
        report(
          at,
          'a filter cannot name the field "__proto__" (JSON readers take it for the object\'s prototype and drop it, so the filter would match everything)',
        );
        continue;
      }
      if (!asFilter || !key.startsWith("$")) {
        walk(node[key], at, depth + 1, asFilter);
        continue;
      }
      if (!isOperator(key)) {
        report(at, `unknown operator "${key}" (known: ${[...OPERATORS].join(" ")})`);
        continue;
      }
      if (fields.length > 0 && !(LOGICAL_OPERATORS as readonly string[]).includes(key)) {
        report(at, `${key} cannot sit beside field names (${fields.slice(0, 3).join(", ")}): put it under the field it tests`);
      }
      const problem = operandProblem(key, node[key]);
      if (problem) report(at, `${key} ${problem}`);
      walk(node[key], at, depth + 1, key === "$and" || key === "$or" || key === "$not");
    }
  };
  walk(filter, [], 1, true);
  return problems;
}

function boundProblem(node: unknown, depth: number): string | undefined {
  if (depth > MAX_FILTER_DEPTH) return `a filter is at most ${MAX_FILTER_DEPTH} levels deep`;
  if (typeof node === "string" && node.length > MAX_FILTER_STRING) return `a filter's strings are at most ${MAX_FILTER_STRING} characters`;
  if (typeof node === "number" && !Number.isFinite(node)) return "a number must be finite";
  return undefined;
}

/** What an operator's operand must be, or undefined when it is right. */
function operandProblem(operator: Operator, operand: unknown): string | undefined {
  switch (operator) {
    case "$eq":
    case "$neq":
      return undefined;
    case "$in":
    case "$nin":
      if (typeof operand === "string" || (Array.isArray(operand) && operand.length > 0 && operand.every(isPrimitive))) return undefined;
      return "expects a non-empty array of strings, numbers, booleans or null, or a string";
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte":
      return typeof operand === "number" || typeof operand === "string" ? undefined : "expects a number or a string";
    case "$startsWith":
    case "$endsWith":
      return typeof operand === "string" ? undefined : "expects a string";
    case "$exist":
      return typeof operand === "boolean" ? undefined : "expects true or false";
    case "$and":
    case "$or":
      return Array.isArray(operand) && operand.length > 0 ? undefined : "expects a non-empty array of filters";
    case "$not":
      return operand === undefined ? "expects a filter" : undefined;
  }
}

export type Primitive = string | number | boolean | null;

export function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The route field: any JSON object, checked by `filterProblems` (the JSON Schema says "an
 * object"). Checked as it was read, before zod copies it into a record: the copy would drop a
 * `"__proto__"` key, leaving a filter that matches everything.
 */
export const RouteFilter = z
  .preprocess(
    (input, ctx) => {
      if (!isPlainObject(input)) return input;
      for (const problem of filterProblems(input)) ctx.issues.push({ code: "custom", message: problem.message, input: undefined, path: problem.path });
      return input;
    },
    z.record(z.string(), z.unknown()),
  )
  .describe(
    'Only envelopes that match this filter: a JSON object matched against the envelope (its attributes and data), e.g. {"type": "bs2.boleto.settled"} or {"data": {"valor": {"$gte": 10000}}}. Operators: $eq $neq $in $nin $gt $gte $lt $lte $startsWith $endsWith $exist $and $or $not.',
  );
export type RouteFilter = z.infer<typeof RouteFilter>;
