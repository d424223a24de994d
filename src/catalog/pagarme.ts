import * as z from "zod";
import { PagarmePostback, PagarmeWebhook } from "../adapters/pagarme";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/pagarme.ts produces, in Pagar.me's two shapes: API v5 webhooks
 * (`pagarme.<type>`, `order.paid` → `pagarme.order.paid`, `data` the JSON hook) and API v4
 * postbacks (`pagarme.<object>.<current_status>`, `data` the form read as JSON: every value a
 * string, `transaction[id]` under `transaction`). Both read with the adapter's own schemas.
 */

const WebhookData = PagarmeWebhook.describe("A Pagar.me v5 webhook, as sent: data is the resource, its id the envelope's subject");
const PostbackData = PagarmePostback.describe("A Pagar.me v4 postback, the form read as JSON: id is the envelope's subject");

const order = { id: "or_ZdnB5BBCmYhk534R", code: "PED-42", amount: 1000, currency: "BRL", status: "paid", closed: true };
const hook = (id: string, type: string, data: Record<string, unknown>) => ({
  id,
  account: { id: "acc_jZkdN857et650oNv", name: "Loja Exemplo" },
  type,
  created_at: "2026-05-01T12:00:44.000Z",
  data,
});
const charge = { id: "ch_3YkRwzxHqH8GpLdK", code: "PED-42", amount: 1000, paid_amount: 1000, status: "paid", payment_method: "pix" };
const subscription = { id: "sub_8wN3LQdSvTBjPYzO", code: "PLANO-7", status: "active", interval: "month" };
const postback = {
  id: "1234567",
  fingerprint: "cbd1d4cd2d0a1b8d4f1b3e2a9c8d7e6f5a4b3c2d",
  event: "transaction_status_changed",
  old_status: "waiting_payment",
  desired_status: "paid",
  current_status: "paid",
  object: "transaction",
  transaction: { id: "1234567", status: "paid", amount: "1000" },
};

function v5(glob: string, description: string, type: string, data: { id: string }, hookId: string): EventTypeEntry {
  return {
    type: glob,
    sources: ["pagarme"],
    description,
    data: WebhookData,
    example: exampleEnvelope("pagarme", hookId, `pagarme.${type}`, hook(hookId, type, data), { subject: data.id, time: "2026-05-01T12:00:44.000Z" }),
  };
}

export const pagarmeEventTypes: EventTypeEntry[] = [
  v5("pagarme.order.*", "A v5 order event (order.created, order.paid, order.canceled, order.payment_failed…).", "order.paid", order, "hook_RyEKQO789TRpZjv5"),
  v5(
    "pagarme.charge.*",
    "A v5 charge event (charge.pending, charge.paid, charge.refunded, charge.underpaid…).",
    "charge.paid",
    charge,
    "hook_aB1cD2eF3gH4iJ5k",
  ),
  {
    type: "pagarme.transaction.*",
    sources: ["pagarme"],
    description: "A v4 transaction postback, by its current_status (paid, refunded, refused, waiting_payment…).",
    data: PostbackData,
    example: exampleEnvelope("pagarme", "transaction:1234567:waiting_payment:paid", "pagarme.transaction.paid", postback, { subject: postback.id }),
  },
  {
    ...v5(
      "pagarme.*",
      "Another v5 event (subscription.created, invoice.paid, customer.updated…), or a v4 postback of another object (subscription).",
      "subscription.created",
      subscription,
      "hook_Zy9xW8vU7tS6rQ5p",
    ),
    data: z.union([WebhookData, PostbackData]),
  },
];
