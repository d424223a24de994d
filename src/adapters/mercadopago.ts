import * as z from "zod";
import { ProviderId, providerType, readWith } from "./provider-read";
import { asEventTime, DEFAULT_DEDUP_TTL_SECONDS, parseJsonObject, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * Mercado Pago's Webhooks notification: `POST {url}?data.id=<resource id>&type=payment` with
 * `{id, live_mode, type, date_created, user_id, api_version, action, data: {id}}`.
 *
 * - type: `action` as `mercadopago.<resource>.<event>` (`payment.updated` →
 *   `mercadopago.payment.updated`); without an action, `mercadopago.<type>.notified`.
 * - subject: `data.id`, the payment (or order, plan…) the notification is about.
 * - id: the notification's own `id`, which Mercado Pago's retries repeat.
 * - The signature (src/auth/mercadopago.ts) covers the query's `data.id`, not the body, so a body
 *   whose `data.id` differs from the query's is refused: a signed URL must not carry another
 *   payment's notification. The body tells nothing of status or amount; confirm-by-fetch reads them.
 */
export const MercadoPagoNotification = z.looseObject({
  id: ProviderId,
  type: z.string().optional(),
  action: z.string().optional(),
  date_created: z.string().optional(),
  live_mode: z.boolean().optional(),
  user_id: ProviderId.optional(),
  api_version: z.string().optional(),
  data: z.looseObject({ id: ProviderId }),
});
export type MercadoPagoNotification = z.infer<typeof MercadoPagoNotification>;

export const mercadopago: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const read = readWith(MercadoPagoNotification, parsed.value, "Mercado Pago notification");
    if (!read.ok) return read;
    const body = read.value;

    const signedId = request.query.get("data.id");
    if (signedId === null) return { ok: false, reason: "The URL has no data.id: the body's data.id is not covered by Mercado Pago's signature." };
    if (signedId.toLowerCase() !== body.data.id.toLowerCase()) return { ok: false, reason: "The body's data.id differs from the signed data.id in the URL." };

    const [resource, event] = nameOf(body);
    const type = providerType("mercadopago", resource, event);
    if (!type.ok) return type;
    return {
      ok: true,
      notifications: [
        {
          id: await safeId(body.id),
          type: type.value,
          subject: body.data.id,
          time: asEventTime(body.date_created),
          payload: { kind: "json", value: parsed.value },
        },
      ],
    };
  },
};

/** `payment.updated` → [payment, updated]; `created` with type payment → [payment, created]. */
function nameOf(body: MercadoPagoNotification): [string, string] {
  const action = body.action?.trim() ?? "";
  const dot = action.indexOf(".");
  if (dot > 0) return [action.slice(0, dot), action.slice(dot + 1)];
  return [body.type ?? "resource", action === "" ? "notified" : action];
}
