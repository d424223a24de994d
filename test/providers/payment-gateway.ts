import { manifest } from "../../src/auth/mercadopago-manifest";
import { hexEncode } from "../../src/bytes";
import type { Envelope } from "../../src/envelope";
import { type StarkKey, starkKey, starkSign } from "../auth/secp256k1-keys";
import { callWorker, hmac, recordingQueue } from "../helpers";

// The secrets each payment provider's source is configured with, and how each provider signs.

export const MP_SECRET = "mp-webhook-secret-3c9d1e";
export const ASAAS_TOKEN = "asaas-webhook-token-0123456789abcdef";
export const PAGBANK_TOKEN = "pagbank-account-token-9f8e7d";
export const PAGARME_KEY = "ak_test_pagarme_api_key_5e4d3c";
export const EFI_HMAC = "efi-hmac-2b1a0f";
/** An example address (TEST-NET-2): put the addresses iugu support gives you in ipAllow. */
export const IUGU_ADDRESS = "198.51.100.20";
export const EFI_ADDRESS = "34.193.116.226";
export const STARK: StarkKey = starkKey();

export const CONFIG = {
  sources: {
    mercadopago: { provider: "mercadopago", auth: [{ type: "mercadopago", secret: MP_SECRET }] },
    asaas: { provider: "asaas", auth: [{ type: "asaas", token: ASAAS_TOKEN }] },
    pagbank: { provider: "pagbank", auth: [{ type: "pagbank", token: PAGBANK_TOKEN }] },
    starkbank: { provider: "starkbank", auth: [{ type: "starkbank", publicKey: STARK.publicKeyPem }] },
    pagarme: { provider: "pagarme", auth: [{ type: "pagarme", secret: PAGARME_KEY }] },
    iugu: { provider: "iugu", ipAllow: [`${IUGU_ADDRESS}/32`], auth: [{ type: "none" }] },
    efi: { provider: "efi", ipAllow: [`${EFI_ADDRESS}/32`], auth: [{ type: "query", name: "hmac", value: EFI_HMAC }] },
  },
  routes: [{ id: "all", events: ["*"], url: "https://erp.internal.example/hooks" }],
};

export function gateway() {
  const recorder = recordingQueue();
  const send = (path: string, init: RequestInit = {}) =>
    callWorker(new Request(`https://hooks.example.com${path}`, { method: "POST", ...init }), {
      GATEWAY_CONFIG: JSON.stringify(CONFIG),
      DELIVERIES: recorder.queue,
    });
  const envelopes = (): Envelope[] => recorder.sent.map((m) => m.envelope!);
  return { send, envelopes };
}

export const JSON_TYPE = { "content-type": "application/json" };
export const FORM_TYPE = { "content-type": "application/x-www-form-urlencoded" };

export async function mercadoPagoHeaders(dataId: string, requestId: string, ts = String(Date.now())): Promise<Record<string, string>> {
  const mac = hexEncode(await hmac("SHA-256", MP_SECRET, manifest(dataId, requestId, ts)));
  return { ...JSON_TYPE, "x-signature": `ts=${ts},v1=${mac}`, "x-request-id": requestId };
}

export async function pagBankHeaders(body: string): Promise<Record<string, string>> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${PAGBANK_TOKEN}-${body}`));
  return { ...JSON_TYPE, "x-authenticity-token": hexEncode(new Uint8Array(digest)) };
}

export async function starkHeaders(body: string, key = STARK, highS = false): Promise<Record<string, string>> {
  return { ...JSON_TYPE, "Digital-Signature": await starkSign(key, body, highS) };
}

export async function pagarmeHeaders(body: string, contentType = FORM_TYPE): Promise<Record<string, string>> {
  return { ...contentType, "X-Hub-Signature": `sha1=${hexEncode(await hmac("SHA-1", PAGARME_KEY, body))}` };
}
