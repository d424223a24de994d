import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mayEmit } from "../../src/adapters/reserved";
import { parseConfig } from "../../src/config/load";
import { getDeadLetter } from "../../src/deadletters/store";
import { callWorker, recordingQueue, standardWebhooksSignature, uniqueId } from "../helpers";

// A route without `sources` matches on type alone: a sender that chooses its type must not
// be able to speak in a provider's or the gateway's name.

const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const config = {
  sources: {
    acme: { provider: "generic", idPath: "body.id", typePath: "headers.x-acme-event", auth: [{ type: "none" }] },
    stdwh: { provider: "standard-webhooks", auth: [{ type: "standard-webhooks", secret: WHSEC }] },
  },
  routes: [{ id: "ledger", events: ["bs2.boleto.*", "pix.*", "acme.*"], url: "https://ledger.internal.example/hooks" }],
};

function gateway() {
  const recorder = recordingQueue();
  const send = (path: string, init: RequestInit) =>
    callWorker(new Request(`https://hooks.example.com${path}`, { method: "POST", ...init }), {
      GATEWAY_CONFIG: JSON.stringify(config),
      DELIVERIES: recorder.queue,
    });
  return { send, sent: recorder.sent };
}

async function reasonOf(response: Response) {
  expect(response.status).toBe(202);
  const answer = await response.json<{ status: string; id: string }>();
  expect(answer.status).toBe("quarantined");
  return (await getDeadLetter(env.STATE, answer.id))?.reason;
}

describe("reserved type namespaces", () => {
  it("quarantine a generic notification that claims a BS2 type, in any letter case", async () => {
    const { send, sent } = gateway();
    for (const type of ["bs2.boleto.settled", "BS2.Boleto.Settled", "hookgate.delivery.dead"]) {
      const response = await send("/hooks/acme", {
        body: JSON.stringify({ id: uniqueId() }),
        headers: { "content-type": "application/json", "x-acme-event": type },
      });
      expect(await reasonOf(response)).toBe("reserved_type");
    }
    expect(sent).toEqual([]);
  });

  it("quarantine a Standard Webhooks notification that claims a Pix type", async () => {
    const { send, sent } = gateway();
    const id = uniqueId("msg");
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: "pix.received", data: { endToEndId: "E1" } });
    const headers = {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await standardWebhooksSignature(WHSEC, id, timestamp, body),
    };
    expect(await reasonOf(await send("/hooks/stdwh", { body, headers }))).toBe("reserved_type");
    expect(sent).toEqual([]);
  });

  it("let a generic sender use its own namespace", async () => {
    const { send, sent } = gateway();
    const response = await send("/hooks/acme", {
      body: JSON.stringify({ id: uniqueId() }),
      headers: { "content-type": "application/json", "x-acme-event": "acme.invoice.paid" },
    });
    expect(response.status).toBe(202);
    expect(sent.map((m) => m.envelope?.type)).toEqual(["acme.invoice.paid"]);
  });

  it("let each provider adapter emit its own namespace and no other", () => {
    expect(mayEmit("bs2-spi", "bs2.spi.recebimento_finalizado")).toBe(true);
    expect(mayEmit("bs2-boleto", "pix.received")).toBe(false);
    expect(mayEmit("pix", "hookgate.request.quarantined")).toBe(false);
    expect(mayEmit("generic", "nsx.other")).toBe(true);
  });

  it("refuse a config whose generic eventType claims one", () => {
    const loaded = parseConfig(
      JSON.stringify({ sources: { acme: { provider: "generic", eventType: "ns.bpe.authorized", auth: [{ type: "none" }] } } }),
      () => undefined,
    );
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.problems).toEqual(['sources.acme.eventType: "ns." types come only from their own adapters or the gateway']);
  });
});
