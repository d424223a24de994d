import { PagBankNotification } from "../adapters/pagbank";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/pagbank.ts produces: `pagbank.<resource>.<status>`, the resource from the id's
 * prefix (ORDE_, CHAR_, CHEC_, SUBS_; `resource` for another) and the status the resource's own
 * or, for an order, its last charge's. `data` is the resource as PagBank's API would answer it,
 * read with the adapter's own schema.
 */

const PagBankData = PagBankNotification.describe(
  "A PagBank notification: the order, charge, checkout or subscription itself, as sent; its id is the envelope's subject",
);

const charge = {
  id: "CHAR_A0B4E9D3-3E60-4C8A-9E43-7C1B1E7A9F10",
  reference_id: "ex-00001",
  status: "PAID",
  created_at: "2026-05-01T09:00:01.000-03:00",
  paid_at: "2026-05-01T09:01:44.000-03:00",
  amount: { value: 500, currency: "BRL", summary: { total: 500, paid: 500, refunded: 0 } },
  payment_method: { type: "PIX" },
};
const order = { id: "ORDE_F87334AC-BB8B-42E2-AA85-8579F70AA328", reference_id: "ex-00001", created_at: "2026-05-01T09:00:01.000-03:00", charges: [charge] };
const boleto = {
  id: "CHAR_354828dd-786b-4cca-8ce4-6f7a1f3f2a1a",
  status: "WAITING",
  created_at: "2026-05-01T09:00:00.027-03:00",
  description: "Pedido 981",
  amount: { value: 100, currency: "BRL", summary: { total: 100, paid: 0, refunded: 0 } },
  payment_response: { code: "20000", message: "SUCESSO" },
  payment_method: { type: "BOLETO", boleto: { id: "eafadc9b-6e15-41ff-ab07-86218770d93b", due_date: "2026-05-08" } },
};
const checkout = { id: "CHEC_5A2F1C8E-7D4B-4E3A-9F10-2B6C8D0E1F23", reference_id: "ex-00002", status: "EXPIRED", created_at: "2026-05-01T09:00:00.000-03:00" };

export const pagBankEventTypes: EventTypeEntry[] = [
  {
    type: "pagbank.order.*",
    sources: ["pagbank"],
    description: "An order, by its last charge's status (paid, declined, canceled, in_analysis…).",
    data: PagBankData,
    example: exampleEnvelope("pagbank", `${order.id}:paid:3f5c2a9d0e4b7a61`, "pagbank.order.paid", order, { subject: order.id, time: charge.paid_at }),
  },
  {
    type: "pagbank.charge.*",
    sources: ["pagbank"],
    description: "A charge, by its status (waiting, paid, declined, canceled, authorized…).",
    data: PagBankData,
    example: exampleEnvelope("pagbank", `${boleto.id}:waiting:9a0b1c2d3e4f5061`, "pagbank.charge.waiting", boleto, { subject: boleto.id }),
  },
  {
    type: "pagbank.*",
    sources: ["pagbank"],
    description: "A checkout or subscription by its status (pagbank.checkout.expired…), or pagbank.resource.<status> for an id of another prefix.",
    data: PagBankData,
    example: exampleEnvelope("pagbank", `${checkout.id}:expired:0c1d2e3f4a5b6c7d`, "pagbank.checkout.expired", checkout, { subject: checkout.id }),
  },
];
