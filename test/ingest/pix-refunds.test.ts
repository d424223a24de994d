import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getDeadLetter } from "../../src/deadletters/store";
import type { DeliveryMessage } from "../../src/delivery/message";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "./operations";

// Issue 19, finding 2: a Pix with many refunds must not multiply the item into every refund.
// A refund's envelope carries the refund and the Pix's identifying fields, so a request's
// envelopes stay within a small multiple of its body, and building them stays cheap.

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const config = {
  sources: {
    pix: { provider: "pix", auth: [{ type: "none" }] },
  },
  routes: [{ id: "ledger", events: ["pix.*"], url: "http://127.0.0.1:8787/ledger" }],
};

/** One Pix with `keys` extra fields (16 characters each, else numbers) and `refunds` refunds. */
function heavyItem(keys: number, refunds: number, short = false) {
  const endToEndId = `E${uniqueId().replace(/-/g, "").slice(0, 31)}`;
  const item: Record<string, unknown> = { endToEndId, txid: "tx0123456789", valor: "100.00", horario: "2026-05-01T12:00:00Z", chave: "a@b.example" };
  for (let k = 0; k < keys; k++) item[`k${k}`] = short ? k : "v".repeat(16);
  item.devolucoes = Array.from({ length: refunds }, (_, i) => ({
    id: `D${i}`,
    rtrId: `D12345678202605011200${String(i).padStart(10, "0")}`,
    valor: "0.10",
    horario: { solicitacao: "2026-05-01T12:05:00Z", liquidacao: "2026-05-01T12:05:01Z" },
    status: "DEVOLVIDO",
  }));
  return item;
}

function post(source: string, body: string, bindings: Record<string, unknown>) {
  const request = new Request(`https://gw.example/hooks/${source}/pix`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...bindings });
}

/** Every byte the request queued: the messages, and the envelopes stored aside for them. */
async function queuedBytes(sent: unknown[]): Promise<number> {
  let bytes = 0;
  for (const message of sent) {
    bytes += JSON.stringify(message).length;
    const key = (message as DeliveryMessage).envelopeKey;
    if (key !== undefined) bytes += (await env.STATE.get(key))?.length ?? 0;
  }
  return bytes;
}

describe("a Pix with many refunds", () => {
  it("delivers at most four times its body: 2,000 fields and 300 refunds (about 100 KB)", async () => {
    const item = heavyItem(2000, 300);
    const body = JSON.stringify({ pix: [item] });
    expect(body.length).toBeGreaterThan(90_000);
    const counter = countingBindings();
    const response = await post("pix", body, counter.bindings);
    expect(await response.json()).toMatchObject({ status: "accepted" });
    const deliveries = counter.sent.filter((m): m is DeliveryMessage => typeof m === "object" && m !== null && "routeId" in m);
    expect(deliveries).toHaveLength(301);
    // About 3.2 times here (106 KB in, 336 KB queued): each envelope's own fields and its message.
    expect(await queuedBytes(counter.sent)).toBeLessThanOrEqual(4 * body.length);
  });

  it("gives each refund the refund and the identifying fields of its Pix, not the whole item", async () => {
    const item = heavyItem(3, 2);
    const counter = countingBindings();
    expect((await post("pix", JSON.stringify({ pix: [item] }), counter.bindings)).status).toBe(202);
    const [received, refund] = counter.sent as DeliveryMessage[];
    expect(received?.envelope?.data).toEqual(item);
    const devolucoes = item.devolucoes as unknown[];
    expect(refund?.envelope?.data).toEqual({
      endToEndId: item.endToEndId,
      txid: item.txid,
      valor: item.valor,
      horario: item.horario,
      chave: item.chave,
      devolucoes: [devolucoes[0]],
    });
  });

  it("counts the Pix and each refund before building anything, and quarantines the 134 KB request whole at the default bound", async () => {
    const body = JSON.stringify({ pix: [heavyItem(10_000, 1000, true)] });
    const counter = countingBindings();
    // Before the fix this built 1,001 copies of the item first: about 15 s of CPU, past the test's timeout.
    const response = await post("pix", body, counter.bindings);
    const answer = await response.json<{ status: string; id: string }>();
    expect(answer.status).toBe("quarantined");
    expect(await getDeadLetter(env.STATE, answer.id)).toMatchObject({
      reason: "too_many_notifications",
      lastError: "1001 notifications, more than maxNotificationsPerRequest (1000)",
    });
    expect(counter.sent).toHaveLength(0);
  });
});
