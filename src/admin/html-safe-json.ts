import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app";

const MARKUP: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026" };

/**
 * JSON text with `<`, `>` and `&` written as `\u003c`, `\u003e`, `\u0026`: the same JSON to any
 * parser, but no markup if a browser is ever made to read it as HTML. In JSON these characters
 * can only sit inside strings, where the escape means the same character.
 */
export function htmlSafeJson(json: string): string {
  return json.replace(/[<>&]/g, (c) => MARKUP[c]!);
}

/** Every JSON answer of the admin API (errors included) goes out HTML-safe (docs/security.md). */
export const htmlSafeJsonAnswers: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (!/^application\/(.+\+)?json/i.test(c.res.headers.get("content-type") ?? "")) return;
  const { status } = c.res;
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  const text = await c.res.text();
  // Cleared first: Hono would otherwise copy the old answer's headers over the new one's.
  c.res = undefined;
  c.res = new Response(htmlSafeJson(text), { status, headers });
};
