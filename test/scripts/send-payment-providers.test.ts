import { describe, expect, it } from "vitest";
import { buildRequest } from "../../scripts/send/build";
import { Source } from "../../src/config/schema";
import { callWorker, recordingQueue } from "../helpers";
import { CONFIG, EFI_ADDRESS, IUGU_ADDRESS } from "../providers/payment-gateway";

// `npm run send -- SOURCE` for each payment provider: the request it builds is accepted by a
// gateway running the same config, and with --tamper it is refused wherever the provider's
// signature covers what --tamper changed. (Stark Bank signs with a secp256k1 private key through
// Node's crypto, which workerd's lacks; its signing is tested in test/providers.)

const ADDRESSES: Record<string, string> = { iugu: IUGU_ADDRESS, efi: EFI_ADDRESS };

async function send(sourceName: keyof typeof CONFIG.sources, tamper = false) {
  const source = Source.parse(CONFIG.sources[sourceName]);
  const outgoing = buildRequest({ baseUrl: "https://hooks.example.com", sourceName, source, unique: true, tamper });
  const headers = { ...outgoing.headers, ...(ADDRESSES[sourceName] ? { "cf-connecting-ip": ADDRESSES[sourceName] } : {}) };
  const request = new Request(outgoing.url, { method: outgoing.method, headers, body: outgoing.body });
  return callWorker(request, { GATEWAY_CONFIG: JSON.stringify(CONFIG), DELIVERIES: recordingQueue().queue });
}

describe("npm run send for the payment providers", () => {
  it.each(["mercadopago", "asaas", "pagbank", "pagarme", "iugu", "efi"] as const)("sends %s's example signed so the gateway accepts it", async (name) => {
    const response = await send(name);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "accepted" });
  });

  it.each(["mercadopago", "pagbank", "pagarme"] as const)("with --tamper, sends %s's example so the gateway refuses it", async (name) => {
    expect((await send(name, true)).status).toBe(401);
  });

  it("with --tamper, still passes a provider whose token covers nothing of the request (Asaas), which is what confirm-by-fetch is for", async () => {
    expect((await send("asaas", true)).status).toBe(202);
  });
});
