import { describe, expect, it } from "vitest";
import { GatewayConfig, Source } from "../../src/config/schema";
import { configWarnings } from "../../src/config/warnings";

// What the config (and so check-config) knows of the payment providers' sources.

const source = (fields: Record<string, unknown>) => Source.safeParse(fields);

describe("payment provider sources in the config", () => {
  it("refuses a provider's rule on another provider's source", () => {
    const parsed = source({ provider: "asaas", auth: [{ type: "mercadopago", secret: "s" }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["auth", 0, "type"], message: expect.stringContaining("this source's provider is asaas") });
  });

  it("takes confirm only on the providers it can read, and a confirm token is required", () => {
    expect(source({ provider: "iugu", auth: [{ type: "none" }], confirm: { token: "t" } }).success).toBe(true);
    expect(source({ provider: "starkbank", auth: [{ type: "none" }], confirm: { token: "t" } }).error?.issues[0]?.path).toEqual(["confirm"]);
    expect(source({ provider: "iugu", auth: [{ type: "none" }], confirm: {} }).success).toBe(false);
    expect(source({ provider: "iugu", auth: [{ type: "none" }], confirm: { token: "t", baseUrl: "ftp://api.iugu.com" } }).success).toBe(false);
  });

  it("warns where a source's protection covers less than it could, and not where it is complete", () => {
    const config = GatewayConfig.parse({
      sources: {
        mp: { provider: "mercadopago", auth: [{ type: "mercadopago", secret: "s" }] },
        iugu: { provider: "iugu", auth: [{ type: "none" }] },
        efi: { provider: "efi", auth: [{ type: "none" }] },
        pagarme: { provider: "pagarme", auth: [{ type: "basic", username: "u", password: "p" }] },
        done: { provider: "asaas", auth: [{ type: "asaas", token: "t".repeat(32) }], confirm: { token: "k" } },
        signed: { provider: "starkbank", auth: [{ type: "starkbank", publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" }] },
      },
    });
    const warnings = configWarnings(config);
    expect(warnings).toEqual([
      'sources.mp: Mercado Pago signs data.id, not the body: add "confirm" to read the payment\'s status from its API',
      'sources.iugu: iugu signs nothing: add "ipAllow" with iugu\'s addresses and "confirm"',
      'sources.efi: without "mtls", Efí\'s callbacks need a "query" rule on hmac and "ipAllow": ["34.193.116.226/32"]',
      'sources.pagarme: no "pagarme" rule: only Pagar.me v4 postbacks are signed; a v5 webhook is a hint to read the order from Pagar.me\'s API',
    ]);
  });
});
