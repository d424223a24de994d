import { base64Decode, utf8 } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { readSchemeCredential } from "./credentials";
import { fail, PASS } from "./outcome";
import { timingSafeEqual } from "./timing-safe";
import type { Authenticator } from "./types";

const COLON = 0x3a;

/** `Authorization: Basic base64(user:password)` (RFC 7617); the password may contain ':'. */
export function createBasicAuthenticator(rule: AuthRuleOf<"basic">): Authenticator {
  if (rule.username.includes(":")) throw new Error("basic rule: the username must not contain ':'");
  const username = utf8(rule.username);
  const password = utf8(rule.password);

  return async (request) => {
    const credential = readSchemeCredential(request.headers, "Basic");
    if (!credential.ok) return fail(credential.reason);
    const decoded = base64Decode(credential.value);
    const colon = decoded?.indexOf(COLON) ?? -1;
    if (!decoded || colon < 0) return fail("malformed");
    // Both halves are always compared, so timing does not tell a right username from a wrong one.
    const [userMatches, passwordMatches] = await Promise.all([
      timingSafeEqual(decoded.subarray(0, colon), username),
      timingSafeEqual(decoded.subarray(colon + 1), password),
    ]);
    return userMatches && passwordMatches ? PASS : fail("mismatch");
  };
}
