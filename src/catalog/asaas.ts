import { AsaasEvent } from "../adapters/asaas";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/asaas.ts produces: `asaas.<resource>.<event>`, the event split after its
 * resource's name (`PAYMENT_RECEIVED` → `asaas.payment.received`). `data` is the event as sent,
 * read with the adapter's own schema; the resource sits under its own key.
 */

const AsaasData = AsaasEvent.describe("An Asaas webhook event, as sent: the resource (payment, transfer…) under its own key, its id the envelope's subject");

const payment = {
  object: "payment",
  id: "pay_080225913252",
  dateCreated: "2026-05-01",
  customer: "cus_G7Dvo4iphUNk",
  value: 100,
  netValue: 99.01,
  billingType: "PIX",
  status: "RECEIVED",
  dueDate: "2026-05-01",
  paymentDate: "2026-05-01",
  externalReference: "pedido-42",
  deleted: false,
};

const transfer = { object: "transfer", id: "1a2b3c4d-0000-4000-8000-000000000042", value: 250, netValue: 250, status: "DONE", type: "PIX" };

export const asaasEventTypes: EventTypeEntry[] = [
  {
    type: "asaas.payment.*",
    sources: ["asaas"],
    description: "A charge's event (PAYMENT_CREATED, PAYMENT_CONFIRMED, PAYMENT_RECEIVED, PAYMENT_OVERDUE, PAYMENT_REFUNDED…), in snake_case.",
    data: AsaasData,
    example: exampleEnvelope(
      "asaas",
      "evt_05b708f961d739ea7eba7e4db318f621&368604920",
      "asaas.payment.received",
      { id: "evt_05b708f961d739ea7eba7e4db318f621&368604920", event: "PAYMENT_RECEIVED", dateCreated: "2026-05-01 09:00:03", payment },
      { subject: payment.id },
    ),
  },
  {
    type: "asaas.*",
    sources: ["asaas"],
    description: "Another resource's event (TRANSFER_DONE, SUBSCRIPTION_CREATED, INVOICE_AUTHORIZED, MOBILE_PHONE_RECHARGE_CONFIRMED…).",
    data: AsaasData,
    example: exampleEnvelope(
      "asaas",
      "evt_7f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c&368604921",
      "asaas.transfer.done",
      { id: "evt_7f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c&368604921", event: "TRANSFER_DONE", dateCreated: "2026-05-01 09:00:03", transfer },
      { subject: transfer.id },
    ),
  },
];
