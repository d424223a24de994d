import { MercadoPagoNotification } from "../adapters/mercadopago";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/mercadopago.ts produces: `mercadopago.<resource>.<action>` (`.notified` without
 * an action). `data` is the notification as sent, read with the adapter's own schema; it names the
 * resource and says nothing of its status or amount (confirm-by-fetch reads them).
 */

const MercadoPagoData = MercadoPagoNotification.describe("A Mercado Pago Webhooks notification, as sent: data.id is the envelope's subject");

function entry(glob: string, description: string, resource: string, action: string, id: string): EventTypeEntry {
  const body = {
    id: 12345,
    live_mode: true,
    type: resource,
    date_created: "2026-05-01T09:00:00.396-03:00",
    user_id: 44444,
    api_version: "v1",
    action: `${resource}.${action}`,
    data: { id },
  };
  return {
    type: glob,
    sources: ["mercadopago"],
    description,
    data: MercadoPagoData,
    example: exampleEnvelope("mercadopago", "12345", `mercadopago.${resource}.${action}`, body, { subject: id, time: body.date_created }),
  };
}

export const mercadoPagoEventTypes: EventTypeEntry[] = [
  entry(
    "mercadopago.payment.*",
    "A payment was created or updated (payment.created, payment.updated; payment.notified without an action): read it back for its status.",
    "payment",
    "updated",
    "999999999",
  ),
  entry(
    "mercadopago.*",
    "Another resource's notification (order, merchant_order, subscription_preapproval, point_integration_wh…): mercadopago.<resource>.<action>.",
    "order",
    "processed",
    "ORD01JQ4S4KY8",
  ),
];
