import type { Context } from "hono";
import type * as z from "zod";
import type { App, AppEnv } from "../http/app";

export type Answer<T> = { ok: true; data: T } | { ok: false; response: Response };

/**
 * Calls the admin API in-process, as the console's own caller: the same URL, the same bearer
 * token, the same guard and validation. The console reads what any admin client reads and has
 * no other way in. An error answer is passed on to the page as it came.
 */
export async function adminGet<T extends z.ZodType>(app: App, c: Context<AppEnv>, path: string, schema: T): Promise<Answer<z.infer<T>>> {
  const request = new Request(new URL(path, c.req.url), { headers: { authorization: c.req.header("authorization") ?? "" } });
  const response = await app.fetch(request, c.env, c.executionCtx);
  if (!response.ok) return { ok: false, response };
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    const body = {
      error: { code: "internal_error", message: `the console cannot read the answer of ${new URL(path, "http://x").pathname}` },
      requestId: c.get("requestId"),
    };
    return { ok: false, response: Response.json(body, { status: 502 }) };
  }
  return { ok: true, data: parsed.data };
}

/** The query string of this request, passed on to the admin API with only the given keys. */
export function passQuery(c: Context<AppEnv>, keys: readonly string[]): { query: string; values: Record<string, string> } {
  const params = new URLSearchParams();
  const values: Record<string, string> = {};
  for (const key of keys) {
    const value = c.req.query(key);
    if (value) {
      params.set(key, value);
      values[key] = value;
    }
  }
  const query = params.toString();
  return { query: query ? `?${query}` : "", values };
}
