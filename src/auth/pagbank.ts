import { concatBytes, hexDecode, toBytes, utf8 } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { readHeader } from "./credentials";
import { fail, PASS } from "./outcome";
import { timingSafeEqualMac } from "./timing-safe";
import type { Authenticator } from "./types";

/**
 * PagBank's `x-authenticity-token`: the SHA-256 hex of the account token, a hyphen and the raw
 * payload (`sha256("{token}-{payload}")`, PagBank's "Confirmar autenticidade da notificação").
 * A keyed digest, not an HMAC, but the token is secret, so only PagBank (or whoever holds the
 * token) can make it. No timestamp is signed: a captured notification can be replayed, which
 * dedup absorbs (the same body makes the same id).
 */
export function createPagBankAuthenticator(rule: AuthRuleOf<"pagbank">): Authenticator {
  const prefix = utf8(`${rule.token}-`);
  return async (request) => {
    const header = readHeader(request.headers, "x-authenticity-token");
    if (!header.ok) return fail(header.reason);
    const presented = hexDecode(header.value.trim());
    if (!presented) return fail("malformed");
    const expected = toBytes(await crypto.subtle.digest("SHA-256", concatBytes([prefix, request.body])));
    return timingSafeEqualMac(expected, presented) ? PASS : fail("mismatch");
  };
}
