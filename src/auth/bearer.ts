import type { AuthRuleOf } from "../config/schema";
import { readSchemeCredential } from "./credentials";
import { fail, PASS } from "./outcome";
import { timingSafeEqual } from "./timing-safe";
import type { Authenticator } from "./types";

/** `Authorization: Bearer <token>` (RFC 6750). */
export function createBearerAuthenticator(rule: AuthRuleOf<"bearer">): Authenticator {
  const token = rule.token;
  return async (request) => {
    const credential = readSchemeCredential(request.headers, "Bearer");
    if (!credential.ok) return fail(credential.reason);
    return (await timingSafeEqual(credential.value, token)) ? PASS : fail("mismatch");
  };
}
