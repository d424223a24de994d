import { describe, expect, it } from "vitest";
import { callWorker, uniqueId } from "../helpers";

// A status or event name is part of the type: one of 200 KB is not a name, and must cost
// nothing to refuse (the old snake_case conversion took tens of seconds on a run of capitals).

const config = {
  sources: {
    pix: { provider: "pix", auth: [{ type: "none" }] },
    "bs2-spi": { provider: "bs2-spi", auth: [{ type: "none" }] },
  },
  routes: [{ id: "all", events: ["*"], url: "https://erp.internal.example/hooks" }],
};

const send = (path: string, body: unknown) =>
  callWorker(new Request(`https://hooks.example.com${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }), {
    GATEWAY_CONFIG: JSON.stringify(config),
  });

const LONG = "A".repeat(200 * 1024);

describe("a 200 KB event or status name", () => {
  it("quarantines a Pix refund whose status is 200 KB of capitals", async () => {
    const response = await send("/hooks/pix/pix", { pix: [{ endToEndId: `E${uniqueId()}`, devolucoes: [{ id: "D1", status: LONG }] }] });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "quarantined" });
  });

  it("quarantines a BS2 SPI notification whose event is 200 KB of capitals", async () => {
    const response = await send("/hooks/bs2-spi", { evento: LONG, id: uniqueId() });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "quarantined" });
  });

  it("still takes a name of 100 characters, in snake_case", async () => {
    const name = `Evento${"X".repeat(94)}`;
    const response = await send("/hooks/bs2-spi", { evento: name, id: uniqueId() });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "accepted" });
  });
});
