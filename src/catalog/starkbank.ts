import { StarkBankEvent } from "../adapters/starkbank";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What adapters/starkbank.ts produces: `starkbank.<subscription>.<log type>`, in snake_case
 * (`boleto-payment` + `success` → `starkbank.boleto_payment.success`). `data` is the event as
 * sent, read with the adapter's own schema; the resource sits in the log under its own key.
 */

const StarkBankData = StarkBankEvent.describe(
  "A Stark Bank webhook event, as sent: event.log holds the resource under its own key, whose id is the envelope's subject",
);

const boletoPaid = {
  event: {
    id: "5701485545177088",
    created: "2026-05-01T12:00:12.338574+00:00",
    subscription: "boleto",
    workspaceId: "5078376503050240",
    log: {
      id: "6432123456789504",
      type: "paid",
      created: "2026-05-01T12:00:11.912374+00:00",
      errors: [],
      boleto: { id: "5133240937013248", amount: 40000, name: "Iron Bank S.A.", taxId: "20.018.183/0001-80", status: "paid", tags: ["pedido-42"] },
    },
  },
};

const transferSending = {
  event: {
    id: "6234355449987072",
    created: "2026-05-01T12:00:40.784479+00:00",
    subscription: "transfer",
    log: {
      id: "5648419829841920",
      type: "sending",
      created: "2026-05-01T12:00:33.164373+00:00",
      errors: [],
      transfer: {
        id: "5107489032896512",
        status: "processing",
        amount: 2,
        name: "Lawrence James",
        bankCode: "01",
        branchCode: "0001",
        accountNumber: "10000-0",
      },
    },
  },
};

const invoicePaid = {
  event: {
    id: "4811223344556677",
    created: "2026-05-01T12:05:00.000000+00:00",
    subscription: "invoice",
    log: {
      id: "4899887766554433",
      type: "paid",
      created: "2026-05-01T12:04:59.000000+00:00",
      errors: [],
      invoice: { id: "5766222233334444", amount: 15000, status: "paid" },
    },
  },
};

export const starkBankEventTypes: EventTypeEntry[] = [
  {
    type: "starkbank.boleto.*",
    sources: ["starkbank"],
    description: "A boleto's log (created, registered, paid, credited, overdue, canceled…).",
    data: StarkBankData,
    example: exampleEnvelope("starkbank", boletoPaid.event.id, "starkbank.boleto.paid", boletoPaid, {
      subject: "5133240937013248",
      time: boletoPaid.event.log.created,
    }),
  },
  {
    type: "starkbank.transfer.*",
    sources: ["starkbank"],
    description: "A transfer's log (created, processing, sending, success, failed…).",
    data: StarkBankData,
    example: exampleEnvelope("starkbank", transferSending.event.id, "starkbank.transfer.sending", transferSending, {
      subject: "5107489032896512",
      time: transferSending.event.log.created,
    }),
  },
  {
    type: "starkbank.*",
    sources: ["starkbank"],
    description: "Another subscription's log (invoice, deposit, boleto_payment, brcode_payment…).",
    data: StarkBankData,
    example: exampleEnvelope("starkbank", invoicePaid.event.id, "starkbank.invoice.paid", invoicePaid, {
      subject: "5766222233334444",
      time: invoicePaid.event.log.created,
    }),
  },
];
