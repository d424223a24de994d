import type { AuthRuleOf } from "../config/schema";
import { readHeader } from "./credentials";
import { fail, PASS } from "./outcome";
import { timingSafeEqual } from "./timing-safe";
import type { Authenticator } from "./types";

/**
 * Asaas sends the authentication token typed when the webhook was created, as is, in the
 * `asaas-access-token` header (not `access_token`, the header its API takes: receivers checking
 * that one refuse every delivery). It is a static shared secret, not a signature: the body is not
 * covered, so docs/providers.md recommends confirm-by-fetch. The header is a credential and is
 * stripped from anything kept (src/ingest/source-runtime.ts).
 */
export const ASAAS_TOKEN_HEADER = "asaas-access-token";

export function createAsaasAuthenticator(rule: AuthRuleOf<"asaas">): Authenticator {
  const token = rule.token;
  return async (request) => {
    const credential = readHeader(request.headers, ASAAS_TOKEN_HEADER);
    if (!credential.ok) return fail(credential.reason);
    return (await timingSafeEqual(credential.value, token)) ? PASS : fail("mismatch");
  };
}
