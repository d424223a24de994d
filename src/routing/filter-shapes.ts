import { isOperator, isPlainObject } from "./filter";

/**
 * Raw provider fields that arrive in more than one shape, and the filters whose answer then
 * depends on the shape (issue 33.1). `check-config` warns about them (src/config/warnings.ts);
 * the gateway never refuses them: the filter is valid, it may just not mean what it says.
 *
 * - `container`: one object or an array of them. A filter that reaches into it matches when
 *   any element does: a BS2 boleto whose StatusBoleto list holds an earlier 3 and a latest 4
 *   (canceled) matches `{"StatusBoleto": {"Status": 3}}`. Only `$exist` is safe.
 * - `number`: a number or text holding one. Equality with a number and the ordering operators
 *   with a number (or text holding one) compare both forms as numbers; equality with text
 *   ("150.5" is not "150.50"), text operators (`$startsWith`, `$endsWith`, `$in` with a string)
 *   and ordering against other text see one form only.
 *
 * The adapters' normalized attributes (`type`, `subject`) have one shape: the warning names them.
 */
type Shape = "container" | "number";

interface VaryingField {
  /** The field's path under the envelope's `data`, as the provider spells it. */
  path: string[];
  shape: Shape;
  /** What the provider sends, and what to filter on instead. */
  sends: string;
  instead: string;
}

export const VARYING_FIELDS: Record<string, VaryingField[]> = {
  "bs2-boleto": [
    {
      path: ["StatusBoleto"],
      shape: "container",
      sends: "StatusBoleto as one object or an array of statuses",
      instead: 'the type the gateway reads from the latest status: {"type": "bs2.boleto.settled"}',
    },
    { path: ["Valor"], shape: "number", sends: "Valor as a number or as text", instead: "a number operand with $eq, $gt, $gte, $lt or $lte" },
  ],
  pix: [
    {
      path: ["devolucoes"],
      shape: "container",
      sends: "devolucoes as one object or an array",
      instead: 'the type of each refund\'s own envelope: {"type": {"$startsWith": "pix.refund."}}',
    },
    { path: ["valor"], shape: "number", sends: "valor as text or as a number", instead: "a number operand with $eq, $gt, $gte, $lt or $lte" },
  ],
};

export interface ShapeWarning {
  /** Keys from the filter's root to the field. */
  path: string[];
  message: string;
}

/** Where the filter names a field of `providers` whose shape varies in a way that changes its answer. */
export function shapeWarnings(filter: Record<string, unknown>, providers: readonly string[]): ShapeWarning[] {
  const warnings: ShapeWarning[] = [];
  for (const provider of new Set(providers)) {
    for (const varying of VARYING_FIELDS[provider] ?? []) {
      const path = ["data", ...varying.path];
      if (!usesAt(filter, path).some((use) => shapeMatters(varying.shape, use))) continue;
      warnings.push({
        path,
        message: `${provider} sends ${varying.sends}, and this filter's answer depends on which it gets; filter on ${varying.instead}`,
      });
    }
  }
  return warnings;
}

/** What the filter does at `path`: the filter values found there (through $and, $or and $not). */
function usesAt(filter: unknown, path: string[]): unknown[] {
  if (!isPlainObject(filter)) return [];
  const uses: unknown[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$and" || key === "$or") for (const inner of value as unknown[]) uses.push(...usesAt(inner, path));
    else if (key === "$not") uses.push(...usesAt(value, path));
    else if (key === path[0]) uses.push(...(path.length === 1 ? [value] : usesAt(value, path.slice(1))));
  }
  return uses;
}

function shapeMatters(shape: Shape, use: unknown): boolean {
  // Equality with text: "150.5" and "150.50" are two texts, while the number 150.5 equals both.
  if (!isPlainObject(use)) return shape === "container" || typeof use !== "number";
  return Object.entries(use).some(([key, operand]) => {
    if (key === "$exist") return false;
    if (key === "$and" || key === "$or") return (operand as unknown[]).some((inner) => shapeMatters(shape, inner));
    if (key === "$not") return shapeMatters(shape, operand);
    if (shape === "container") return true;
    if (!isOperator(key)) return true; // a number has no fields
    if (key === "$startsWith" || key === "$endsWith") return true;
    if (key === "$in" || key === "$nin") return !Array.isArray(operand) || !operand.every((v) => typeof v === "number");
    if (key === "$eq" || key === "$neq") return typeof operand !== "number";
    return !readsAsNumber(operand);
  });
}

/** An ordering operand both forms of a number answer alike: a number, or text holding one (read as that number). */
function readsAsNumber(operand: unknown): boolean {
  return typeof operand === "number" || (typeof operand === "string" && operand.length <= 64 && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(operand));
}
