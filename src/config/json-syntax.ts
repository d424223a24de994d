/**
 * Where a config that is not JSON goes wrong, by line and column, and why, without quoting any
 * of its text: it may hold a secret written inline, and V8's messages quote the text around the
 * error ("Unexpected token '}', "{...}" is not valid JSON"). Only a reason that quotes nothing
 * of it is kept. V8 gives the offset for most mistakes; for the rest it is found by bisection:
 * a prefix of the text either could still become JSON or already cannot, and the first that
 * cannot ends at the offending character. Linear in the text for the common case, n log n else.
 */

export interface JsonSyntaxError {
  /** 1-based, as editors count; undefined when the text only ends too early. */
  line?: number;
  column?: number;
  reason: string;
}

const POSITION = / in JSON at position (\d+)/;
const ENDS_EARLY = "the text ends before the document does (a { or [ left open?)";

export function jsonSyntaxError(text: string, error: unknown): JsonSyntaxError {
  const message = error instanceof Error ? error.message : "";
  if (/end of JSON input/.test(message)) return { reason: ENDS_EARLY };
  const given = POSITION.exec(message)?.[1];
  const offset = given === undefined ? firstImpossiblePrefix(text) - 1 : Number(given);
  if (offset >= text.length) return { reason: ENDS_EARLY };
  const stated = message.split(POSITION)[0]!;
  const reason = !POSITION.test(message) || stated.includes('"') ? "unexpected character" : lowerFirst(stated);
  const { line, column } = lineAndColumn(text, offset);
  return { line, column, reason: `${reason}${trailingComma(text, offset) ? ' (JSON allows no trailing comma: remove the "," before it)' : ""}` };
}

/** "line 7, column 3" or, when the text only ended early, that. */
export function describeJsonSyntaxError(where: JsonSyntaxError): string {
  return where.line === undefined ? where.reason : `line ${where.line}, column ${where.column}: ${where.reason}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

/** The length of the shortest prefix that no continuation can make valid JSON (text.length + 1 when none). */
function firstImpossiblePrefix(text: string): number {
  let low = 0;
  let high = text.length + 1;
  while (low + 1 < high) {
    const middle = Math.floor((low + high) / 2);
    if (couldStillBeJson(text.slice(0, middle))) low = middle;
    else high = middle;
  }
  return high;
}

function couldStillBeJson(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    const at = POSITION.exec(message)?.[1];
    return /end of JSON input/.test(message) || (at !== undefined && Number(at) >= prefix.length);
  }
}

function trailingComma(text: string, offset: number): boolean {
  if (text[offset] !== "}" && text[offset] !== "]") return false;
  return /,\s*$/.test(text.slice(0, offset));
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
