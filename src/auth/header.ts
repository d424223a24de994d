import type { AuthRuleOf } from "../config/schema";
import { readHeader, stripPrefix } from "./credentials";
import { fail, PASS } from "./outcome";
import { timingSafeEqual } from "./timing-safe";
import type { Authenticator } from "./types";

/** A named header holding prefix + value: `API-Key: k`, or BMP's `Authorization: HMAC k`. */
export function createHeaderAuthenticator(rule: AuthRuleOf<"header">): Authenticator {
  const { name, value, prefix = "" } = rule;
  return async (request) => {
    const credential = readHeader(request.headers, name);
    if (!credential.ok) return fail(credential.reason);
    const received = stripPrefix(credential.value, prefix);
    if (received === undefined) return fail("malformed");
    return (await timingSafeEqual(received, value)) ? PASS : fail("mismatch");
  };
}
