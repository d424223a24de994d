/**
 * The Brazilian payment providers' example notifications, as their documents show them (shortened
 * where marked): what `npm run send -- <provider>` sends and what the tests sign. Plain data, no
 * Node imports, so the tests inside workerd read the same examples. Form-encoded examples are
 * strings, sent as `application/x-www-form-urlencoded`.
 */

/** Mercado Pago's Webhooks example (its notifications page), for a payment update. */
export const mercadoPagoPaymentUpdated = () => ({
  id: 12345,
  live_mode: true,
  type: "payment",
  date_created: "2015-03-25T10:04:58.396-04:00",
  user_id: 44444,
  api_version: "v1",
  action: "payment.updated",
  data: { id: "999999999" },
});

/** Asaas's PAYMENT_RECEIVED example (its webhook events page), payment fields shortened. */
export const asaasPaymentReceived = () => ({
  id: "evt_05b708f961d739ea7eba7e4db318f621&368604920",
  event: "PAYMENT_RECEIVED",
  dateCreated: "2024-06-12 16:45:03",
  payment: {
    object: "payment",
    id: "pay_080225913252",
    dateCreated: "2024-06-12",
    customer: "cus_G7Dvo4iphUNk",
    value: 100,
    netValue: 99.01,
    billingType: "PIX",
    status: "RECEIVED",
    dueDate: "2024-06-12",
    paymentDate: "2024-06-12",
    clientPaymentDate: "2024-06-12",
    externalReference: "pedido-42",
    deleted: false,
  },
});

/** PagBank's "Confirmar autenticidade da notificação" example: a boleto charge (links shortened). */
export const pagBankChargeWaiting = () => ({
  id: "CHAR_354828dd-786b-4cca-8ce4-6f7a1f3f2a1a",
  status: "WAITING",
  created_at: "2019-09-24T18:31:19.027-03:00",
  description: "This is the payment transaction description",
  amount: { value: 100, currency: "BRL", summary: { total: 100, paid: 0, refunded: 0 } },
  payment_response: { code: "20000", message: "SUCESSO" },
  payment_method: { type: "BOLETO", boleto: { id: "eafadc9b-6e15-41ff-ab07-86218770d93b", due_date: "2020-05-08" } },
  notification_urls: ["https://yourserver.com/notifications"],
});

/** A PagBank order whose Pix charge was paid (the Orders API's notification shape). */
export const pagBankOrderPaid = () => ({
  id: "ORDE_F87334AC-BB8B-42E2-AA85-8579F70AA328",
  reference_id: "ex-00001",
  created_at: "2024-05-06T10:11:01.000-03:00",
  charges: [
    {
      id: "CHAR_A0B4E9D3-3E60-4C8A-9E43-7C1B1E7A9F10",
      reference_id: "ex-00001",
      status: "PAID",
      created_at: "2024-05-06T10:11:01.000-03:00",
      paid_at: "2024-05-06T10:12:44.000-03:00",
      amount: { value: 500, currency: "BRL", summary: { total: 500, paid: 500, refunded: 0 } },
      payment_method: { type: "PIX" },
    },
  ],
});

/** The event Stark Bank's SDKs test `event.parse` with (a transfer log), verbatim. */
export const STARK_BANK_SDK_EVENT =
  '{"event": {"log": {"transfer": {"status": "processing", "updated": "2020-04-03T13:20:33.485644+00:00", "fee": 160, "name": "Lawrence James", "accountNumber": "10000-0", "id": "5107489032896512", "tags": [], "taxId": "91.642.017/0001-06", "created": "2020-04-03T13:20:32.530367+00:00", "amount": 2, "transactionIds": ["6547649079541760"], "bankCode": "01", "branchCode": "0001"}, "errors": [], "type": "sending", "id": "5648419829841920", "created": "2020-04-03T13:20:33.164373+00:00"}, "subscription": "transfer", "id": "6234355449987072", "created": "2020-04-03T13:20:40.784479+00:00"}}';
/** Its signature in those tests: valid under Stark Bank's sandbox key (not published), and high-S. */
export const STARK_BANK_SDK_SIGNATURE = "MEYCIQCmFCAn2Z+6qEHmf8paI08Ee5ZJ9+KvLWSS3ddp8+RF3AIhALlK7ltfRvMCXhjS7cy8SPlcSlpQtjBxmhN6ClFC0Tv6";

/** A boleto log `paid`, in the shape of Stark Bank's webhook events (boleto fields shortened). */
export const starkBankBoletoPaid = () => ({
  event: {
    id: "5701485545177088",
    created: "2024-04-02T14:03:12.338574+00:00",
    subscription: "boleto",
    workspaceId: "5078376503050240",
    log: {
      id: "6432123456789504",
      type: "paid",
      created: "2024-04-02T14:03:11.912374+00:00",
      errors: [],
      boleto: {
        id: "5133240937013248",
        amount: 40000,
        name: "Iron Bank S.A.",
        taxId: "20.018.183/0001-80",
        status: "paid",
        due: "2024-04-05T02:59:59.999999+00:00",
        tags: ["pedido-42"],
      },
    },
  },
});

/** Pagar.me v5's `order.paid` webhook (data shortened). */
export const pagarmeOrderPaid = () => ({
  id: "hook_RyEKQO789TRpZjv5",
  account: { id: "acc_jZkdN857et650oNv", name: "Loja Exemplo" },
  type: "order.paid",
  created_at: "2024-05-06T13:12:44.000Z",
  data: { id: "or_ZdnB5BBCmYhk534R", code: "PED-42", amount: 1000, currency: "BRL", status: "paid", closed: true },
});

/** A Pagar.me v4 postback (form-encoded, signed with X-Hub-Signature). */
export const PAGARME_POSTBACK =
  "id=1234567&fingerprint=cbd1d4cd2d0a1b8d4f1b3e2a9c8d7e6f5a4b3c2d&event=transaction_status_changed&old_status=waiting_payment&desired_status=paid&current_status=paid&object=transaction&transaction%5Bid%5D=1234567&transaction%5Bstatus%5D=paid&transaction%5Bamount%5D=1000";

/** iugu's trigger example for an invoice that changed status (its triggers page). */
export const IUGU_INVOICE_PAID =
  "event=invoice.status_changed&data%5Bid%5D=1757E1D7FD5E410A9C563024250015BF&data%5Bstatus%5D=paid&data%5Baccount_id%5D=70CA234077134ED0BF2E0E46B0EDC36F&data%5Bsubscription_id%5D=F4115E5E28AE4CCA941FCCCCCABE9A0A";
