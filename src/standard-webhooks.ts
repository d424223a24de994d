import { createHmacSigner } from "./auth/hmac-signer";
import { base64Decode, concatBytes, utf8 } from "./bytes";

const SECRET_PREFIX = "whsec_";

/**
 * The Standard Webhooks MAC (standardwebhooks.com), written once for both directions:
 * the `standard-webhooks` auth rule verifies it, delivery signs with it. HMAC-SHA256 with
 * the base64 key after `whsec_`, over `{id}.{timestamp}.{body}`; sent as base64.
 */
export function createStandardWebhooksMac(secret: string): (id: string, timestamp: string, body: Uint8Array) => Promise<Uint8Array> {
  const key = secret.startsWith(SECRET_PREFIX) ? base64Decode(secret.slice(SECRET_PREFIX.length)) : undefined;
  // An empty key would make every MAC computable by anyone.
  if (!key || key.byteLength === 0) {
    throw new Error('the secret must be "whsec_" followed by a non-empty base64 key');
  }
  const sign = createHmacSigner(key, "SHA-256");
  return (id, timestamp, body) => sign(concatBytes([utf8(`${id}.${timestamp}.`), body]));
}
