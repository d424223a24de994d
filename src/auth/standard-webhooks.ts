import { base64Decode } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { createStandardWebhooksMac } from "../standard-webhooks";
import { fail, PASS } from "./outcome";
import { checkTimestamp } from "./timestamp";
import { timingSafeEqualMac } from "./timing-safe";
import type { Authenticator } from "./types";

const TOLERANCE_SECONDS = 300;
/** A sender rotating keys lists a few signatures; more than this is noise we need not hash. */
const MAX_SIGNATURES = 16;

/**
 * Standard Webhooks (standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body` with the
 * base64 key after `whsec_`, sent as space-separated `v1,<base64>` entries.
 */
export function createStandardWebhooksAuthenticator(rule: AuthRuleOf<"standard-webhooks">): Authenticator {
  const mac = createStandardWebhooksMac(rule.secret);

  return async (request) => {
    const id = request.headers.get("webhook-id");
    const timestamp = request.headers.get("webhook-timestamp");
    const signatures = request.headers.get("webhook-signature");
    if (!id || !timestamp || !signatures) return fail("missing");
    const late = checkTimestamp(timestamp, request.now, TOLERANCE_SECONDS);
    if (late) return fail(late);

    const expected = await mac(id, timestamp, request.body);
    const candidates = signatures
      .split(" ")
      .filter((entry) => entry.startsWith("v1,"))
      .slice(0, MAX_SIGNATURES);
    for (const candidate of candidates) {
      const presented = base64Decode(candidate.slice(3));
      if (presented && timingSafeEqualMac(expected, presented)) return PASS;
    }
    return fail("mismatch");
  };
}
