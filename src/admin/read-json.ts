import type * as z from "zod";
import { formatPath } from "../config/load";
import { GatewayError } from "../errors";
import { readBody } from "../ingest/body";

const ADMIN_BODY_LIMIT = 64 * 1024;

/** Reads an admin body as JSON and validates it; a problem is a 400 naming the field. */
export async function readJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const text = new TextDecoder().decode(await readBody(request, ADMIN_BODY_LIMIT));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new GatewayError("bad_request", "the body must be JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error, "(body)");
  return parsed.data;
}

/** Like readJson, but an empty body is `{}`. */
export async function readOptionalJson<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  if (request.body === null || request.headers.get("content-length") === "0") return readJsonText("{}", schema);
  return readJson(request, schema);
}

function readJsonText<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw invalid(parsed.error, "(body)");
  return parsed.data;
}

/** A 400 naming each field that is wrong, as `path: problem`. */
export function invalid(error: z.ZodError, whole: string): GatewayError {
  const problems = error.issues.map((issue) => `${formatPath(issue.path) || whole}: ${issue.message}`);
  return new GatewayError("bad_request", problems.join("; "));
}
