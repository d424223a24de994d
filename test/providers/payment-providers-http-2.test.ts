import { describe, expect, it } from "vitest";
import { IUGU_INVOICE_PAID, PAGARME_POSTBACK, pagarmeOrderPaid, starkBankBoletoPaid } from "../../scripts/send/provider-examples";
import { pixWebhook2 } from "../adapters/pix-examples";
import { starkKey } from "../auth/secp256k1-keys";
import { uniqueId } from "../helpers";
import { EFI_ADDRESS, EFI_HMAC, FORM_TYPE, gateway, IUGU_ADDRESS, JSON_TYPE, pagarmeHeaders, starkHeaders } from "./payment-gateway";

// Stark Bank, Pagar.me, iugu and Efí through the whole HTTP path.

describe("Stark Bank", () => {
  const event = (id: string, logType: string, boletoId = "5133240937013248") => {
    const body = starkBankBoletoPaid();
    body.event.id = id;
    body.event.log.type = logType;
    body.event.log.boleto.id = boletoId;
    return JSON.stringify(body);
  };

  it("takes a boleto log paid as starkbank.boleto.paid, subject the boleto, id event.id; high-S and low-S alike", async () => {
    const { send, envelopes } = gateway();
    const [a, b] = [uniqueId("sb"), uniqueId("sb")];
    const low = event(a, "paid");
    const high = event(b, "credited");
    expect((await send("/hooks/starkbank", { body: low, headers: await starkHeaders(low) })).status).toBe(202);
    expect((await send("/hooks/starkbank", { body: high, headers: await starkHeaders(high, undefined, true) })).status).toBe(202);
    expect(envelopes()[0]).toMatchObject({
      id: `starkbank:${a}`,
      type: "starkbank.boleto.paid",
      subject: "5133240937013248",
      time: "2024-04-02T14:03:11.912374+00:00",
      data: { event: { subscription: "boleto", log: { type: "paid", boleto: { amount: 40000 } } } },
    });
    expect(envelopes()[1]).toMatchObject({ id: `starkbank:${b}`, type: "starkbank.boleto.credited" });
  });

  it("answers a retry as a duplicate and takes the same boleto's next log", async () => {
    const { send, envelopes } = gateway();
    const [a, b] = [uniqueId("sb"), uniqueId("sb")];
    const paid = event(a, "paid");
    const credited = event(b, "credited");
    expect((await send("/hooks/starkbank", { body: paid, headers: await starkHeaders(paid) })).status).toBe(202);
    expect((await send("/hooks/starkbank", { body: paid, headers: await starkHeaders(paid) })).status).toBe(200);
    expect((await send("/hooks/starkbank", { body: credited, headers: await starkHeaders(credited) })).status).toBe(202);
    expect(envelopes().map((e) => e.type)).toEqual(["starkbank.boleto.paid", "starkbank.boleto.credited"]);
  });

  it("refuses a signature by another secp256k1 key, and a tampered body, with 401", async () => {
    const { send } = gateway();
    const body = event(uniqueId("sb"), "paid");
    expect((await send("/hooks/starkbank", { body, headers: await starkHeaders(body, starkKey()) })).status).toBe(401);
    const headers = await starkHeaders(body);
    expect((await send("/hooks/starkbank", { body: body.replace("40000", "4000000"), headers })).status).toBe(401);
  });
});

describe("Pagar.me", () => {
  it("takes a signed v4 postback as pagarme.transaction.paid, a retry as a duplicate, the next status as new", async () => {
    const { send, envelopes } = gateway();
    const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    const paid = PAGARME_POSTBACK.replaceAll("1234567", id);
    const refunded = paid.replace("old_status=waiting_payment", "old_status=paid").replace("current_status=paid", "current_status=refunded");
    expect((await send("/hooks/pagarme", { body: paid, headers: await pagarmeHeaders(paid) })).status).toBe(202);
    expect((await send("/hooks/pagarme", { body: paid, headers: await pagarmeHeaders(paid) })).status).toBe(200);
    expect((await send("/hooks/pagarme", { body: refunded, headers: await pagarmeHeaders(refunded) })).status).toBe(202);
    expect(envelopes().map((e) => [e.type, e.subject])).toEqual([
      ["pagarme.transaction.paid", id],
      ["pagarme.transaction.refunded", id],
    ]);
    expect(envelopes()[0]!.data).toMatchObject({ current_status: "paid", transaction: { id, amount: "1000" } });
  });

  it("takes a v5 webhook as pagarme.order.paid, subject the order, id the hook's", async () => {
    const { send, envelopes } = gateway();
    const hook = `hook_${uniqueId()}`;
    const body = JSON.stringify({ ...pagarmeOrderPaid(), id: hook });
    expect((await send("/hooks/pagarme", { body, headers: await pagarmeHeaders(body, JSON_TYPE) })).status).toBe(202);
    expect(envelopes()[0]).toMatchObject({ id: `pagarme:${hook}`, type: "pagarme.order.paid", subject: "or_ZdnB5BBCmYhk534R" });
  });

  it("refuses a tampered postback with 401", async () => {
    const { send } = gateway();
    const headers = await pagarmeHeaders(PAGARME_POSTBACK);
    expect((await send("/hooks/pagarme", { body: PAGARME_POSTBACK.replace("amount%5D=1000", "amount%5D=1"), headers })).status).toBe(401);
  });
});

describe("iugu", () => {
  const from = (address: string) => ({ ...FORM_TYPE, "cf-connecting-ip": address });

  it("takes the documented trigger from iugu's address as iugu.invoice.status_changed, with the form as JSON", async () => {
    const { send, envelopes } = gateway();
    const invoice = uniqueId("inv").toUpperCase();
    const body = IUGU_INVOICE_PAID.replace("1757E1D7FD5E410A9C563024250015BF", invoice);
    expect((await send("/hooks/iugu", { body, headers: from(IUGU_ADDRESS) })).status).toBe(202);
    expect((await send("/hooks/iugu", { body, headers: from(IUGU_ADDRESS) })).status).toBe(200);
    expect((await send("/hooks/iugu", { body: body.replace("status%5D=paid", "status%5D=refunded"), headers: from(IUGU_ADDRESS) })).status).toBe(202);
    expect(envelopes()[0]).toMatchObject({
      id: `iugu:invoice.status_changed:${invoice}:paid`,
      type: "iugu.invoice.status_changed",
      subject: invoice,
      data: { event: "invoice.status_changed", data: { id: invoice, status: "paid", account_id: "70CA234077134ED0BF2E0E46B0EDC36F" } },
    });
    expect(envelopes().map((e) => e.data)).toMatchObject([{ data: { status: "paid" } }, { data: { status: "refunded" } }]);
  });

  it("refuses a trigger from any other address with 403", async () => {
    const { send } = gateway();
    expect((await send("/hooks/iugu", { body: IUGU_INVOICE_PAID, headers: from("203.0.113.9") })).status).toBe(403);
  });
});

describe("Efí", () => {
  const pix = () =>
    JSON.stringify({
      pix: [
        {
          ...pixWebhook2(),
          endToEndId: `E87654321202009091221${uniqueId()
            .replace(/[^a-z0-9]/gi, "")
            .slice(0, 11)}`,
        },
      ],
    });
  const headers = { ...JSON_TYPE, "cf-connecting-ip": EFI_ADDRESS };

  it("takes a Pix on the /pix Efí appends, with the hmac query, as efi.pix.received; the hmac never reaches the envelope", async () => {
    const { send, envelopes } = gateway();
    const body = pix();
    expect((await send(`/hooks/efi/pix?hmac=${EFI_HMAC}`, { body, headers })).status).toBe(202);
    expect((await send(`/hooks/efi?hmac=${EFI_HMAC}&ignorar=/pix`, { body, headers })).status).toBe(200);
    expect(envelopes()).toHaveLength(1);
    expect(envelopes()[0]).toMatchObject({ type: "efi.pix.received", data: { valor: pixWebhook2().valor, txid: pixWebhook2().txid } });
    expect(JSON.stringify(envelopes()[0])).not.toContain(EFI_HMAC);
  });

  it("refuses a wrong hmac with 401 and another address with 403", async () => {
    const { send } = gateway();
    expect((await send("/hooks/efi/pix?hmac=guess", { body: pix(), headers })).status).toBe(401);
    expect((await send(`/hooks/efi/pix?hmac=${EFI_HMAC}`, { body: pix(), headers: { ...JSON_TYPE, "cf-connecting-ip": "192.0.2.7" } })).status).toBe(403);
  });
});
