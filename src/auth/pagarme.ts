import { hexDecode, utf8 } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { readHeader, stripPrefix } from "./credentials";
import { createHmacSigner } from "./hmac-signer";
import { fail, PASS } from "./outcome";
import { timingSafeEqualMac } from "./timing-safe";
import type { Authenticator } from "./types";

/**
 * Pagar.me's signed postbacks (API v4 and the postbacks Pagar.me still sends that way):
 * `X-Hub-Signature: sha1=<hex>`, an HMAC-SHA1 of the raw body keyed with the account's API key.
 * SHA-1 is what Pagar.me signs with; as an HMAC it is still unforgeable without the key. No
 * timestamp is signed. Pagar.me's v5 webhooks carry no signature at all: such a source takes a
 * `basic` rule (user and password in the registered URL) and confirm-by-fetch (docs/providers.md).
 */
export function createPagarmeAuthenticator(rule: AuthRuleOf<"pagarme">): Authenticator {
  const sign = createHmacSigner(utf8(rule.secret), "SHA-1");
  return async (request) => {
    const header = readHeader(request.headers, "x-hub-signature");
    if (!header.ok) return fail(header.reason);
    const hex = stripPrefix(header.value.trim(), "sha1=");
    const presented = hex === undefined ? undefined : hexDecode(hex);
    if (!presented) return fail("malformed");
    return timingSafeEqualMac(await sign(request.body), presented) ? PASS : fail("mismatch");
  };
}
