import { describe, expect, it } from "vitest";
import { SourcesView } from "../../src/console/views/sources";
import { adminClient } from "../admin/client";

// What an operator sees of a confirming source: the API it reads, never the token it reads with.

const TOKEN = "APP_USR-secret-access-token-4f2a";
const config = {
  sources: {
    mp: { provider: "mercadopago", auth: [{ type: "mercadopago", secret: "whsec" }], confirm: { token: { secret: "MP_TOKEN" } } },
    sandbox: { provider: "asaas", auth: [{ type: "asaas", token: "t".repeat(32) }], confirm: { baseUrl: "https://api-sandbox.asaas.com", token: TOKEN } },
    plain: { provider: "pagbank", auth: [{ type: "pagbank", token: "p" }] },
  },
};

describe("a confirming source in the admin API and the console", () => {
  it("shows the API read before delivery (the provider's production API by default), and never the token", async () => {
    const { admin } = adminClient({ GATEWAY_CONFIG: JSON.stringify(config), MP_TOKEN: TOKEN });
    const response = await admin("GET", "/admin/sources");
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain(TOKEN);
    const { sources } = JSON.parse(text) as { sources: { name: string; auth: { type: string }[]; confirm?: { baseUrl: string } }[] };
    expect(sources.map((s) => [s.name, s.auth[0]!.type, s.confirm?.baseUrl])).toEqual([
      ["mp", "mercadopago", "https://api.mercadopago.com"],
      ["sandbox", "asaas", "https://api-sandbox.asaas.com"],
      ["plain", "pagbank", undefined],
    ]);

    const html = String(SourcesView({ sources: sources as never }));
    expect(html).toContain("reads https://api.mercadopago.com before delivery");
    expect(html).toContain("Confirm-by-fetch");
    expect(html).not.toContain(TOKEN);
  });
});
