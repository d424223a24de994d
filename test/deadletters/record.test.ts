import { describe, expect, it } from "vitest";
import { DeadLetter, deliveryDeadLetterId, unreadableDeadLetterId, unroutedDeadLetterId } from "../../src/deadletters/record";

describe("dead-letter ids", () => {
  it("are deterministic, distinct per route and kind, and valid record ids", async () => {
    const a = await deliveryDeadLetterId("acme:1", "ledger");
    expect(a).toBe(await deliveryDeadLetterId("acme:1", "ledger"));
    expect(a).not.toBe(await deliveryDeadLetterId("acme:1", "audit"));
    expect(a).toMatch(/^d[0-9a-f]{31}$/);
    expect(await unroutedDeadLetterId("acme:1")).toMatch(/^u[0-9a-f]{31}$/);
    expect(await unreadableDeadLetterId("0f3c")).toMatch(/^x[0-9a-f]{31}$/);
    expect(DeadLetter.shape.id.safeParse(a).success).toBe(true);
  });

  it("hash the envelope id and the route id joined by a newline", async () => {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("acme:1\nledger")));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    expect(await deliveryDeadLetterId("acme:1", "ledger")).toBe(`d${hex.slice(0, 31)}`);
  });
});
