import { base64Encode, utf8 } from "../bytes";
import { createStandardWebhooksMac } from "../standard-webhooks";

/** One MAC function per signing secret, so the key is imported once per isolate, not per message. */
const macs = new Map<string, ReturnType<typeof createStandardWebhooksMac>>();

/**
 * A Standard Webhooks `webhook-signature` value, `v1,<base64>`, over `{id}.{timestamp}.{body}`
 * where body is exactly what is sent ("" for a GET).
 */
export async function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  let mac = macs.get(secret);
  if (!mac) {
    mac = createStandardWebhooksMac(secret);
    macs.set(secret, mac);
  }
  return `v1,${base64Encode(await mac(id, String(timestamp), utf8(body)))}`;
}
