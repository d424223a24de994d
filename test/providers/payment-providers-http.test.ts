import { describe, expect, it } from "vitest";
import { asaasPaymentReceived, mercadoPagoPaymentUpdated, pagBankChargeWaiting, pagBankOrderPaid } from "../../scripts/send/provider-examples";
import { uniqueId } from "../helpers";
import { ASAAS_TOKEN, gateway, JSON_TYPE, mercadoPagoHeaders, pagBankHeaders } from "./payment-gateway";

// Mercado Pago, Asaas and PagBank through the whole HTTP path: auth, adapter, dedup, the queue.

describe("Mercado Pago", () => {
  const notification = (id: string, dataId: string, action = "payment.updated") =>
    JSON.stringify({ ...mercadoPagoPaymentUpdated(), id, action, data: { id: dataId } });

  it("takes the documented notification as mercadopago.payment.updated, subject data.id, id the notification's", async () => {
    const { send, envelopes } = gateway();
    const id = uniqueId("mp");
    const response = await send("/hooks/mercadopago?data.id=999999999&type=payment", {
      body: notification(id, "999999999"),
      headers: await mercadoPagoHeaders("999999999", "req-1"),
    });
    expect(response.status).toBe(202);
    expect(envelopes()[0]).toMatchObject({
      id: `mercadopago:${id}`,
      type: "mercadopago.payment.updated",
      subject: "999999999",
      time: "2015-03-25T10:04:58.396-04:00",
      data: { action: "payment.updated", type: "payment", data: { id: "999999999" } },
    });
  });

  it("answers a retry as a duplicate and takes a new notification for the same payment", async () => {
    const { send, envelopes } = gateway();
    const [first, second] = [uniqueId("mp"), uniqueId("mp")];
    const path = "/hooks/mercadopago?data.id=123&type=payment";
    expect((await send(path, { body: notification(first, "123"), headers: await mercadoPagoHeaders("123", "r1") })).status).toBe(202);
    expect((await send(path, { body: notification(first, "123"), headers: await mercadoPagoHeaders("123", "r2") })).status).toBe(200);
    expect((await send(path, { body: notification(second, "123", "payment.created"), headers: await mercadoPagoHeaders("123", "r3") })).status).toBe(202);
    expect(envelopes().map((e) => [e.id, e.type])).toEqual([
      [`mercadopago:${first}`, "mercadopago.payment.updated"],
      [`mercadopago:${second}`, "mercadopago.payment.created"],
    ]);
  });

  it("refuses a changed data.id, x-request-id or ts with 401", async () => {
    const { send, envelopes } = gateway();
    const body = notification(uniqueId("mp"), "123");
    const headers = await mercadoPagoHeaders("123", "r1");
    expect((await send("/hooks/mercadopago?data.id=124&type=payment", { body, headers })).status).toBe(401);
    expect((await send("/hooks/mercadopago?data.id=123&type=payment", { body, headers: { ...headers, "x-request-id": "r2" } })).status).toBe(401);
    const ts = headers["x-signature"]!.replace(/^ts=(\d+)/, (_, t: string) => `ts=${Number(t) + 1}`);
    expect((await send("/hooks/mercadopago?data.id=123&type=payment", { body, headers: { ...headers, "x-signature": ts } })).status).toBe(401);
    expect(envelopes()).toEqual([]);
  });

  it("keeps aside, never delivers, a signed URL carrying a body about another payment (the body is not signed)", async () => {
    const { send, envelopes } = gateway();
    const response = await send("/hooks/mercadopago?data.id=123&type=payment", {
      body: notification(uniqueId("mp"), "666"),
      headers: await mercadoPagoHeaders("123", "r1"),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "quarantined" });
    // Only the gateway's own announcement of the quarantine is queued, no payment notification.
    expect(envelopes().filter((e) => !e.type.startsWith("hookgate."))).toEqual([]);
  });
});

describe("Asaas", () => {
  const headers = { ...JSON_TYPE, "asaas-access-token": ASAAS_TOKEN };
  const event = (id: string, name: string, paymentId: string) =>
    JSON.stringify({ ...asaasPaymentReceived(), id, event: name, payment: { ...asaasPaymentReceived().payment, id: paymentId } });

  it("takes PAYMENT_RECEIVED as asaas.payment.received, subject the payment, id the event's", async () => {
    const { send, envelopes } = gateway();
    const id = `evt_${uniqueId()}`;
    const response = await send("/hooks/asaas", { body: event(id, "PAYMENT_RECEIVED", "pay_080225913252"), headers });
    expect(response.status).toBe(202);
    expect(envelopes()[0]).toMatchObject({
      id: `asaas:${id}`,
      type: "asaas.payment.received",
      subject: "pay_080225913252",
      data: { event: "PAYMENT_RECEIVED", payment: { status: "RECEIVED", value: 100 } },
    });
  });

  it("answers a retry as a duplicate and takes the next event of the same payment", async () => {
    const { send, envelopes } = gateway();
    const [first, second] = [`evt_${uniqueId()}`, `evt_${uniqueId()}`];
    expect((await send("/hooks/asaas", { body: event(first, "PAYMENT_CONFIRMED", "pay_1"), headers })).status).toBe(202);
    expect((await send("/hooks/asaas", { body: event(first, "PAYMENT_CONFIRMED", "pay_1"), headers })).status).toBe(200);
    expect((await send("/hooks/asaas", { body: event(second, "PAYMENT_REFUNDED", "pay_1"), headers })).status).toBe(202);
    expect(envelopes().map((e) => e.type)).toEqual(["asaas.payment.confirmed", "asaas.payment.refunded"]);
  });

  it("refuses a wrong token, or the token under the header Asaas's API takes", async () => {
    const { send } = gateway();
    const body = event(`evt_${uniqueId()}`, "PAYMENT_RECEIVED", "pay_1");
    expect((await send("/hooks/asaas", { body, headers: { ...JSON_TYPE, "asaas-access-token": `${ASAAS_TOKEN}0` } })).status).toBe(401);
    expect((await send("/hooks/asaas", { body, headers: { ...JSON_TYPE, access_token: ASAAS_TOKEN } })).status).toBe(401);
  });
});

describe("PagBank", () => {
  it("takes the documented charge as pagbank.charge.waiting and a paid order as pagbank.order.paid", async () => {
    const { send, envelopes } = gateway();
    const charge = JSON.stringify({ ...pagBankChargeWaiting(), description: uniqueId() });
    const order = JSON.stringify({ ...pagBankOrderPaid(), reference_id: uniqueId() });
    expect((await send("/hooks/pagbank", { body: charge, headers: await pagBankHeaders(charge) })).status).toBe(202);
    expect((await send("/hooks/pagbank", { body: order, headers: await pagBankHeaders(order) })).status).toBe(202);
    expect(envelopes().map((e) => [e.type, e.subject])).toEqual([
      ["pagbank.charge.waiting", "CHAR_354828dd-786b-4cca-8ce4-6f7a1f3f2a1a"],
      ["pagbank.order.paid", "ORDE_F87334AC-BB8B-42E2-AA85-8579F70AA328"],
    ]);
  });

  it("answers a retry as a duplicate and takes the same charge's next status", async () => {
    const { send, envelopes } = gateway();
    const description = uniqueId();
    const waiting = JSON.stringify({ ...pagBankChargeWaiting(), description });
    const paid = JSON.stringify({ ...pagBankChargeWaiting(), description, status: "PAID" });
    expect((await send("/hooks/pagbank", { body: waiting, headers: await pagBankHeaders(waiting) })).status).toBe(202);
    expect((await send("/hooks/pagbank", { body: waiting, headers: await pagBankHeaders(waiting) })).status).toBe(200);
    expect((await send("/hooks/pagbank", { body: paid, headers: await pagBankHeaders(paid) })).status).toBe(202);
    expect(envelopes().map((e) => e.type)).toEqual(["pagbank.charge.waiting", "pagbank.charge.paid"]);
  });

  it("refuses a tampered body with 401", async () => {
    const { send } = gateway();
    const body = JSON.stringify({ ...pagBankChargeWaiting(), description: uniqueId() });
    const tampered = body.replace('"value":100', '"value":1000000');
    expect((await send("/hooks/pagbank", { body: tampered, headers: await pagBankHeaders(body) })).status).toBe(401);
  });
});
