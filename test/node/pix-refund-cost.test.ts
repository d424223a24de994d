import { describe, expect, it } from "vitest";
import { adapt } from "../../src/adapters/adapt";
import { pix } from "../../src/adapters/pix";
import { Source } from "../../src/config/schema";

// Issue 19, finding 2, timed where a clock runs during computation (workerd's stands still
// between I/O): one Pix with 10,000 fields and 1,000 refunds, 134 KB, once took 15 s of CPU.

function heavyBody(keys: number, refunds: number): Uint8Array {
  const item: Record<string, unknown> = { endToEndId: "E12345678202605011200abcdef12345", txid: "tx0123456789", valor: "100.00" };
  for (let k = 0; k < keys; k++) item[`k${k}`] = k;
  item.devolucoes = Array.from({ length: refunds }, (_, i) => ({ id: `D${i}`, status: "DEVOLVIDO" }));
  return new TextEncoder().encode(JSON.stringify({ pix: [item] }));
}

const request = (body: Uint8Array) => ({ source: "pix", method: "POST", rest: "pix", query: new URLSearchParams(), headers: new Headers(), body });

describe("reading a Pix with 1,000 refunds", () => {
  it("takes well under a second for the 134 KB request where the bound allows 1,001 notifications", async () => {
    const body = heavyBody(10_000, 1000);
    expect(body.length).toBeGreaterThan(125_000);
    const source = Source.parse({ provider: "pix", auth: [{ type: "none" }] });
    const started = performance.now();
    const result = await adapt(pix, request(body), source, 2000);
    const took = performance.now() - started;
    expect(result.ok && result.notifications.length).toBe(1001);
    expect(took).toBeLessThan(1000);
  });
});
