import { describe, expect, it } from "vitest";
import { asaasPaymentReceived, mercadoPagoPaymentUpdated, pagBankOrderPaid, STARK_BANK_SDK_EVENT } from "../../scripts/send/provider-examples";
import { asaas } from "../../src/adapters/asaas";
import { iugu } from "../../src/adapters/iugu";
import { mercadopago } from "../../src/adapters/mercadopago";
import { pagarme } from "../../src/adapters/pagarme";
import { pagbank } from "../../src/adapters/pagbank";
import { starkbank } from "../../src/adapters/starkbank";
import { acceptedOne, providerRequest, refused, sourceFor } from "./provider-request";

// The payment providers' adapters on their own: the names they give, and what they refuse.

const json = (value: unknown) => JSON.stringify(value);

describe("the mercadopago adapter", () => {
  const read = (body: unknown, query = "data.id=999999999&type=payment") => providerRequest({ body: json(body), query });

  it("names a notification without action after its type, and reads numeric ids as text", async () => {
    const { action: _, ...withoutAction } = mercadoPagoPaymentUpdated();
    const notification = await acceptedOne(mercadopago, read({ ...withoutAction, data: { id: 999999999 } }), sourceFor("mercadopago"));
    expect(notification).toMatchObject({ id: "12345", type: "mercadopago.payment.notified", subject: "999999999" });
  });

  it("compares an order's alphanumeric data.id with the signed one in any letter case", async () => {
    const body = { ...mercadoPagoPaymentUpdated(), action: "order.processed", type: "order", data: { id: "ORD01JQ4S4KY8" } };
    expect((await acceptedOne(mercadopago, read(body, "data.id=ord01jq4s4ky8"), sourceFor("mercadopago"))).type).toBe("mercadopago.order.processed");
  });

  it("refuses a body without data.id, and a URL without the signed data.id", async () => {
    expect(await refused(mercadopago, read({ id: 1, action: "payment.updated" }), sourceFor("mercadopago"))).toMatch(/data/);
    expect(await refused(mercadopago, read(mercadoPagoPaymentUpdated(), "type=payment"), sourceFor("mercadopago"))).toMatch(/no data.id/);
  });
});

describe("the asaas adapter", () => {
  it("splits an event after its resource's own name, however many words it has", async () => {
    const body = { id: "evt_1", event: "MOBILE_PHONE_RECHARGE_CONFIRMED", mobilePhoneRecharge: { id: "rec_1", status: "CONFIRMED" } };
    expect(await acceptedOne(asaas, providerRequest({ body: json(body) }), sourceFor("asaas"))).toMatchObject({
      type: "asaas.mobile_phone_recharge.confirmed",
      subject: "rec_1",
    });
  });

  it("gives an event without id (older payloads) an id of event, resource and body, equal on a re-send", async () => {
    const { id: _, ...old } = asaasPaymentReceived();
    const first = await acceptedOne(asaas, providerRequest({ body: json(old) }), sourceFor("asaas"));
    const again = await acceptedOne(asaas, providerRequest({ body: json(old) }), sourceFor("asaas"));
    expect(first.id).toMatch(/^PAYMENT_RECEIVED:pay_080225913252:[0-9a-f]{16}$/);
    expect(again.id).toBe(first.id);
  });

  it("refuses a body without event, and an event name longer than any real one", async () => {
    expect(await refused(asaas, providerRequest({ body: json({ id: "evt_1" }) }), sourceFor("asaas"))).toMatch(/event/);
    expect(await refused(asaas, providerRequest({ body: json({ id: "evt_1", event: `PAYMENT_${"X".repeat(200)}` }) }), sourceFor("asaas"))).toMatch(/longer/);
  });
});

describe("the pagbank adapter", () => {
  it("takes an order's status from its last charge, and a new status of the same order gets a new id", async () => {
    const paid = await acceptedOne(pagbank, providerRequest({ body: json(pagBankOrderPaid()) }), sourceFor("pagbank"));
    const order = pagBankOrderPaid();
    order.charges[0]!.status = "CANCELED";
    const canceled = await acceptedOne(pagbank, providerRequest({ body: json(order) }), sourceFor("pagbank"));
    expect([paid.type, canceled.type]).toEqual(["pagbank.order.paid", "pagbank.order.canceled"]);
    expect(canceled.id).not.toBe(paid.id);
  });
});

describe("the starkbank adapter", () => {
  it("reads the SDKs' transfer event as starkbank.transfer.sending, subject the transfer", async () => {
    expect(await acceptedOne(starkbank, providerRequest({ body: STARK_BANK_SDK_EVENT }), sourceFor("starkbank"))).toMatchObject({
      id: "6234355449987072",
      type: "starkbank.transfer.sending",
      subject: "5107489032896512",
      time: "2020-04-03T13:20:33.164373+00:00",
    });
  });

  it("snake-cases a hyphenated subscription, and refuses an event without a log", async () => {
    const body = { event: { id: "1", subscription: "boleto-payment", log: { id: "2", type: "success", payment: { id: "3" } } } };
    expect((await acceptedOne(starkbank, providerRequest({ body: json(body) }), sourceFor("starkbank"))).type).toBe("starkbank.boleto_payment.success");
    expect(await refused(starkbank, providerRequest({ body: json({ event: { id: "1", subscription: "boleto" } }) }), sourceFor("starkbank"))).toMatch(/log/);
  });
});

describe("the form-encoded adapters", () => {
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("iugu: reads a trigger without status, and refuses one without data[id]", async () => {
    const created = await acceptedOne(iugu, providerRequest({ headers: form, body: "event=invoice.created&data%5Bid%5D=ABC" }), sourceFor("iugu"));
    expect(created).toMatchObject({ id: "invoice.created:ABC:", type: "iugu.invoice.created", subject: "ABC" });
    expect(await refused(iugu, providerRequest({ headers: form, body: "event=invoice.created" }), sourceFor("iugu"))).toMatch(/data/);
  });

  it("pagarme: a v5 type without a resource is refused rather than guessed", async () => {
    const body = json({ id: "hook_1", type: "paid", data: { id: "or_1" } });
    expect(await refused(pagarme, providerRequest({ body }), sourceFor("pagarme"))).toMatch(/resource/);
  });
});
