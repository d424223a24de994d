import type { AuthRuleOf } from "../config/schema";
import { fail, PASS } from "./outcome";
import { timingSafeEqual } from "./timing-safe";
import type { Authenticator } from "./types";

/**
 * A secret in the query string, for providers that can put one nowhere else. Only the first
 * occurrence counts, so one request cannot try many guesses.
 */
export function createQueryAuthenticator(rule: AuthRuleOf<"query">): Authenticator {
  const { name, value } = rule;
  return async (request) => {
    const received = request.url.searchParams.get(name);
    if (received === null || received === "") return fail("missing");
    return (await timingSafeEqual(received, value)) ? PASS : fail("mismatch");
  };
}
