import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { asaasPaymentReceived, IUGU_INVOICE_PAID, mercadoPagoPaymentUpdated } from "../../scripts/send/provider-examples";
import { manifest } from "../../src/auth/mercadopago-manifest";
import { hexEncode } from "../../src/bytes";
import { getDeadLetter } from "../../src/deadletters/store";
import type { Bindings } from "../../src/env";
import { captureLogs, deps, runBatch, target } from "../delivery/helpers";
import { callWorker, hmac, recordingQueue, uniqueId } from "../helpers";
import { fakeApi } from "./fake-api";

// Confirm-by-fetch, end to end: a notification accepted over HTTP, then its delivery message run
// through the consumer, which reads the resource from a fake provider API on 127.0.0.1.

const api = fakeApi();
const ASAAS_WEBHOOK_TOKEN = "asaas-webhook-token-for-confirm-0001";
const MP_SECRET = "mp-confirm-secret";

const config = {
  sources: {
    asaas: { provider: "asaas", auth: [{ type: "asaas", token: ASAAS_WEBHOOK_TOKEN }], confirm: { baseUrl: api.base, token: { secret: "ASAAS_API_KEY" } } },
    mercadopago: {
      provider: "mercadopago",
      auth: [{ type: "mercadopago", secret: MP_SECRET }],
      confirm: { baseUrl: api.base, token: { secret: "MP_ACCESS_TOKEN" } },
    },
    iugu: { provider: "iugu", auth: [{ type: "none" }], confirm: { baseUrl: `${api.base}/`, token: { secret: "IUGU_API_TOKEN" } } },
  },
  routes: [{ id: "erp", events: ["*"], url: "http://127.0.0.1:8787/erp" }],
  delivery: { maxAttempts: 3 },
};

const bindings = () =>
  ({
    ...env,
    GATEWAY_CONFIG: JSON.stringify(config),
    ASAAS_API_KEY: "$aact_api_key_1",
    MP_ACCESS_TOKEN: "APP_USR-mp-token",
    IUGU_API_TOKEN: "iugu-token",
  }) as Bindings;

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => vi.restoreAllMocks());

/** Sends the notification to the gateway and returns its answer and the delivery messages it queued. */
async function accept(path: string, body: string, headers: Record<string, string>) {
  const recorder = recordingQueue();
  const response = await callWorker(new Request(`https://hooks.example.com${path}`, { method: "POST", body, headers }), {
    ...bindings(),
    DELIVERIES: recorder.queue,
  });
  return { response, messages: recorder.sent.filter((m) => m.envelope?.type.startsWith("hookgate.") !== true) };
}

function asaasEvent(paymentId: string, status: string, value: number) {
  const example = asaasPaymentReceived();
  return JSON.stringify({ ...example, id: `evt_${uniqueId()}`, payment: { ...example.payment, id: paymentId, status, value } });
}
const asaasHeaders = { "content-type": "application/json", "asaas-access-token": ASAAS_WEBHOOK_TOKEN };

describe("confirm-by-fetch against the provider's API", () => {
  it("answers the provider at once, before the API is read", async () => {
    const payment = `pay_${uniqueId()}`;
    const { response, messages } = await accept("/hooks/asaas", asaasEvent(payment, "RECEIVED", 100), asaasHeaders);
    expect(response.status).toBe(202);
    expect(messages).toHaveLength(1);
    expect(await api.seen(`/v3/payments/${payment}`)).toEqual([]);
  });

  it("delivers with the API's answer in data.confirmed when it agrees, asking with Asaas's access_token", async () => {
    const payment = `pay_${uniqueId()}`;
    await api.answer(`/v3/payments/${payment}`, 200, { object: "payment", id: payment, status: "RECEIVED", value: 100, netValue: 99.01 });
    const { messages } = await accept("/hooks/asaas", asaasEvent(payment, "RECEIVED", 100), asaasHeaders);
    const sink = target(new Response("ok"));
    const run = await runBatch(messages, bindings(), viaNetwork(sink));

    expect(run.acked(0)).toBe(true);
    const delivered = JSON.parse(sink.received[0]!.body!);
    expect(delivered.type).toBe("asaas.payment.received");
    expect(delivered.data.payment).toMatchObject({ id: payment, status: "RECEIVED", value: 100 });
    expect(delivered.data.confirmed).toEqual({ object: "payment", id: payment, status: "RECEIVED", value: 100, netValue: 99.01 });
    const asked = await api.seen(`/v3/payments/${payment}`);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.access_token).toBe("$aact_api_key_1");
  });

  it("keeps the notification as confirm_mismatch, never delivered, when the API's status or amount differs", async () => {
    const [paid, amount] = [`pay_${uniqueId()}`, `pay_${uniqueId()}`];
    await api.answer(`/v3/payments/${paid}`, 200, { id: paid, status: "PENDING", value: 100 });
    await api.answer(`/v3/payments/${amount}`, 200, { id: amount, status: "RECEIVED", value: 1 });
    const first = await accept("/hooks/asaas", asaasEvent(paid, "RECEIVED", 100), asaasHeaders);
    const second = await accept("/hooks/asaas", asaasEvent(amount, "RECEIVED", 100), asaasHeaders);
    const sink = target();
    const run = await runBatch([...first.messages, ...second.messages], bindings(), viaNetwork(sink));

    expect(run.acked(0)).toBe(true);
    expect(run.acked(1)).toBe(true);
    expect(sink.received).toEqual([]);
    const kept = await keptFor(run.ids.length);
    expect(kept.map((k) => k.reason)).toEqual(["confirm_mismatch", "confirm_mismatch"]);
    expect(kept.map((k) => k.lastError).join(" ")).toMatch(/status PENDING where the notification says RECEIVED.*amount 1 where the notification says 100/);
  });

  it("keeps the notification as confirm_not_found when the API has no such payment (404)", async () => {
    const payment = `pay_${uniqueId()}`;
    const { messages } = await accept("/hooks/asaas", asaasEvent(payment, "RECEIVED", 100), asaasHeaders);
    const sink = target();
    await runBatch(messages, bindings(), viaNetwork(sink));
    expect(sink.received).toEqual([]);
    expect((await keptFor(1)).map((k) => k.reason)).toEqual(["confirm_not_found"]);
  });

  it("tries again later while the API answers 5xx, and delivers once it is back", async () => {
    const payment = `pay_${uniqueId()}`;
    await api.answer(`/v3/payments/${payment}`, 503, { message: "down" });
    const { messages } = await accept("/hooks/asaas", asaasEvent(payment, "CONFIRMED", 100), asaasHeaders);
    const sink = target();
    const down = await runBatch(messages, bindings(), viaNetwork(sink));
    expect(down.retried(0)).toBe(true);
    expect(down.retryOptions(0)?.delaySeconds).toBeGreaterThan(0);
    expect(sink.received).toEqual([]);

    await api.answer(`/v3/payments/${payment}`, 200, { id: payment, status: "CONFIRMED", value: 100 });
    const back = await runBatch(messages, bindings(), viaNetwork(sink), "hookgate-deliveries", 2);
    expect(back.acked(0)).toBe(true);
    expect(JSON.parse(sink.received[0]!.body!).data.confirmed).toMatchObject({ status: "CONFIRMED" });
  });

  it("reads Mercado Pago's payment with the access token as Bearer and delivers its status", async () => {
    const payment = String(Date.now());
    await api.answer(`/v1/payments/${payment}`, 200, { id: Number(payment), status: "approved", transaction_amount: 150.5 });
    const body = JSON.stringify({ ...mercadoPagoPaymentUpdated(), id: uniqueId("mp"), data: { id: payment } });
    const { response, messages } = await accept(`/hooks/mercadopago?data.id=${payment}&type=payment`, body, await mercadoPagoSigned(payment));
    expect(response.status).toBe(202);
    const sink = target();
    await runBatch(messages, bindings(), viaNetwork(sink));
    expect(JSON.parse(sink.received[0]!.body!).data.confirmed).toEqual({ id: Number(payment), status: "approved", transaction_amount: 150.5 });
    expect((await api.seen(`/v1/payments/${payment}`))[0]!.authorization).toBe("Bearer APP_USR-mp-token");
  });

  it("reads iugu's invoice with the API token as Basic user, and keeps a trigger whose status the invoice does not have", async () => {
    const [agrees, differs] = [uniqueId("INV").toUpperCase(), uniqueId("INV").toUpperCase()];
    await api.answer(`/v1/invoices/${agrees}`, 200, { id: agrees, status: "paid", total_cents: 1000 });
    await api.answer(`/v1/invoices/${differs}`, 200, { id: differs, status: "pending" });
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const one = await accept("/hooks/iugu", IUGU_INVOICE_PAID.replace("1757E1D7FD5E410A9C563024250015BF", agrees), form);
    const two = await accept("/hooks/iugu", IUGU_INVOICE_PAID.replace("1757E1D7FD5E410A9C563024250015BF", differs), form);
    const sink = target();
    await runBatch([...one.messages, ...two.messages], bindings(), viaNetwork(sink));
    expect(sink.received).toHaveLength(1);
    expect(JSON.parse(sink.received[0]!.body!).data.confirmed).toMatchObject({ id: agrees, status: "paid" });
    expect((await api.seen(`/v1/invoices/${agrees}`))[0]!.authorization).toBe(`Basic ${btoa("iugu-token:")}`);
    expect((await keptFor(1)).map((k) => k.reason)).toEqual(["confirm_mismatch"]);
  });
});

/**
 * The Worker's fetch, as in production, for the provider's API (over 127.0.0.1 to the fake);
 * the route's target stays the injected recorder the delivery tests use.
 */
function viaNetwork(sink: ReturnType<typeof target>) {
  const both: typeof fetch = (input, init) => (String(input).startsWith(api.base) ? fetch(input, init) : sink.fetch(input, init));
  return deps(both);
}

async function mercadoPagoSigned(dataId: string): Promise<Record<string, string>> {
  const ts = String(Date.now());
  const mac = hexEncode(await hmac("SHA-256", MP_SECRET, manifest(dataId, "req-confirm", ts)));
  return { "content-type": "application/json", "x-request-id": "req-confirm", "x-signature": `ts=${ts},v1=${mac}` };
}

/** The dead letters the last `count` burials stored, found by the consumer's log lines. */
async function keptFor(count: number) {
  const ids = logs
    .lines()
    .filter((line) => line.event === "dead_letter_stored")
    .map((line) => String(line.deadLetterId))
    .slice(-count);
  return Promise.all(ids.map(async (id) => (await getDeadLetter(env.STATE, id))!));
}
