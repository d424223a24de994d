import {
  asaasPaymentReceived,
  IUGU_INVOICE_PAID,
  mercadoPagoPaymentUpdated,
  PAGARME_POSTBACK,
  pagarmeOrderPaid,
  pagBankChargeWaiting,
  pagBankOrderPaid,
  STARK_BANK_SDK_EVENT,
  starkBankBoletoPaid,
} from "../../scripts/send/provider-examples";
import type { ProviderName } from "../../src/config/schema";
import * as bmp from "../adapters/bmp-examples";
import * as nsBpe from "../adapters/ns-bpe-examples";
import * as pix from "../adapters/pix-examples";
import type { RequestInit } from "../adapters/provider-request";

/**
 * The requests test/catalog/event-types.test.ts runs every adapter over: the published examples
 * each adapter's tests use, and the statuses, resources and shapes their tests cover, so that
 * every catalog entry is met by some request.
 */

const json = (value: unknown) => JSON.stringify(value);
const FORM = { "content-type": "application/x-www-form-urlencoded" };

const boleto = (status: number, more: Record<string, unknown> = {}) =>
  JSON.stringify({
    Id: `b-${status}`,
    NossoNumeroBoleto: "00012345",
    Valor: "150.00",
    StatusBoleto: { Status: status, Descricao: "x", DataStatus: "2024-09-05T10:00:00-03:00" },
    ...more,
  });

export const fixtures: [ProviderName, RequestInit][] = [
  ...[1, 2, 3, 4, 9].map((status): [ProviderName, RequestInit] => ["bs2-boleto", { body: boleto(status) }]),
  [
    "bs2-boleto",
    {
      body: boleto(3, {
        StatusBoleto: [
          { Status: 2, DataStatus: "2024-09-05T09:00:00-03:00" },
          { Status: 3, DataStatus: "2024-09-05T10:00:00-03:00" },
        ],
      }),
    },
  ],
  ...[
    "RecebimentoFinalizado",
    "DevolucaoFinalizada",
    "PagamentoFinalizado",
    "RestituicaoFinalizada",
    "ValidacaoRecebimento",
    "ValidacaoRestituicao",
    "ValidacaoRecebimentoCanalSecundario",
    "OutroEvento",
  ].map((rest): [ProviderName, RequestInit] => ["bs2-spi", { rest, body: JSON.stringify({ endToEndId: "E1", valor: 10 }) }]),
  ["bs2-spi", { body: JSON.stringify({ id: "x" }) }],
  ["pix", { rest: "pix", body: JSON.stringify(pix.webhookPixBody()) }],
  ...[pix.efiPixSent(), pix.efiPixRejected(), pix.efiPixReceived(), pix.efiRefundSent()].map((body): [ProviderName, RequestInit] => [
    "pix",
    { rest: "pix", body: JSON.stringify(body) },
  ]),
  ["pix", { rest: "pix", body: JSON.stringify({ pix: [{ ...pix.pixWebhook2(), devolucoes: [pix.devolucaoResponse1(), pix.devolucaoResponse2()] }] }) }],
  ["pix", { rest: "rec", body: JSON.stringify(pix.recWebhookNotification1()) }],
  ["pix", { rest: "cobr", body: JSON.stringify(pix.cobRWebhookNotification1()) }],
  ...[2, 4, 5, 6, 8, 10, 11, 99].map((status): [ProviderName, RequestInit] => ["bmp", { method: "GET", query: `proposal=P1&status=${status}&identifier=i` }]),
  ["bmp", { method: "POST", query: "proposal=P1&status=9", body: bmp.INSTALLMENTS }],
  ...[bmp.SCHEDULE_CANCELED, bmp.SURCHARGE_DISCOUNT, bmp.INSTALLMENT_POSTING, bmp.DUE_DATE_EXTENSION, bmp.BOLETO_ISSUED, bmp.BOLETO_CANCELED].map(
    (body): [ProviderName, RequestInit] => ["bmp", { body }],
  ),
  ["bmp", { body: JSON.stringify({ TipoEvento: 42, NroProposta: "P1" }) }],
  ["ns-bpe", { body: nsBpe.AUTHORIZED }],
  ["ns-bpe", { body: nsBpe.REJECTED }],
  ...paymentProviders(),
];

/** The providers added with the payment gateways: each one's documented example and the shapes besides it. */
function paymentProviders(): [ProviderName, RequestInit][] {
  const mp = (action: string | undefined, type: string, id: string): RequestInit => {
    const { action: _, ...rest } = mercadoPagoPaymentUpdated();
    return { query: `data.id=${id}&type=${type}`, body: json({ ...rest, ...(action ? { action } : {}), type, data: { id } }) };
  };
  const stark = (subscription: string, type: string, resource: string) =>
    json({ event: { id: "1", subscription, log: { id: "2", type, errors: [], [resource]: { id: "3", status: type } } } });
  const pagarmeHook = (type: string, data: Record<string, unknown>) => json({ id: `hook_${type}`, type, created_at: "2026-05-01T12:00:00Z", data });
  return [
    ["mercadopago", mp("payment.updated", "payment", "999999999")],
    ["mercadopago", mp("payment.created", "payment", "999999999")],
    ["mercadopago", mp(undefined, "payment", "999999999")],
    ["mercadopago", mp("order.processed", "order", "ORD01JQ4S4KY8")],
    ["mercadopago", mp(undefined, "merchant_order", "12")],
    ["asaas", { body: json(asaasPaymentReceived()) }],
    ["asaas", { body: json({ ...asaasPaymentReceived(), event: "PAYMENT_OVERDUE" }) }],
    ["asaas", { body: json({ id: "evt_2", event: "TRANSFER_DONE", transfer: { object: "transfer", id: "tr_1", status: "DONE", value: 5 } }) }],
    ["asaas", { body: json({ id: "evt_3", event: "MOBILE_PHONE_RECHARGE_CONFIRMED", mobilePhoneRecharge: { id: "rec_1", status: "CONFIRMED" } }) }],
    ["pagbank", { body: json(pagBankOrderPaid()) }],
    ["pagbank", { body: json(pagBankChargeWaiting()) }],
    ["pagbank", { body: json({ id: "CHEC_1", status: "EXPIRED" }) }],
    ["pagbank", { body: json({ id: "SUBS_1", status: "ACTIVE" }) }],
    ["pagbank", { body: json({ id: "XYZW_1" }) }],
    ["starkbank", { body: STARK_BANK_SDK_EVENT }],
    ["starkbank", { body: json(starkBankBoletoPaid()) }],
    ["starkbank", { body: stark("boleto-payment", "success", "payment") }],
    ["starkbank", { body: stark("invoice", "paid", "invoice") }],
    ["efi", { rest: "pix", body: json(pix.webhookPixBody()) }],
    ...[pix.efiPixSent(), pix.efiPixRejected(), pix.efiPixReceived(), pix.efiRefundSent()].map((body): [ProviderName, RequestInit] => [
      "efi",
      { rest: "pix", body: json(body) },
    ]),
    ["efi", { rest: "pix", body: json({ pix: [{ ...pix.pixWebhook2(), devolucoes: [pix.devolucaoResponse1(), pix.devolucaoResponse2()] }] }) }],
    ["efi", { rest: "rec", body: json(pix.recWebhookNotification1()) }],
    ["efi", { rest: "cobr", body: json(pix.cobRWebhookNotification1()) }],
    ["pagarme", { body: json(pagarmeOrderPaid()) }],
    ["pagarme", { body: pagarmeHook("charge.paid", { id: "ch_1", status: "paid", amount: 1000 }) }],
    ["pagarme", { body: pagarmeHook("subscription.created", { id: "sub_1", status: "active" }) }],
    ["pagarme", { headers: FORM, body: PAGARME_POSTBACK }],
    ["pagarme", { headers: FORM, body: "id=9&object=subscription&event=subscription_status_changed&old_status=trialing&current_status=paid" }],
    ["iugu", { headers: FORM, body: IUGU_INVOICE_PAID }],
    ["iugu", { headers: FORM, body: "event=invoice.created&data%5Bid%5D=ABC" }],
    ["iugu", { headers: FORM, body: "event=subscription.renewed&data%5Bid%5D=S1&data%5Baccount_id%5D=A1" }],
  ];
}
