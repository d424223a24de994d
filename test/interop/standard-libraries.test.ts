import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter } from "../../src/deadletters/store";
import type { DeliveryMessage } from "../../src/delivery/message";
import { captureLogs, runBatch, spyOnResends } from "../delivery/helpers";
import { callWorker, recordingQueue, uniqueId } from "../helpers";
import { BUSY_RECEIVER, observedFetch, RECEIVER, RECEIVER_SECRET } from "./receivers";

/**
 * Real deliveries from the gateway's delivery code to examples/receiver, a Node service that
 * verifies them with `standardwebhooks` (the Standard Webhooks reference implementation) and
 * reads them with the `cloudevents` SDK, as a user's service would.
 */

const config = {
  sources: { acme: { provider: "generic", idPath: "body.id", typePath: "body.type", auth: [{ type: "none" }] } },
  routes: [
    { id: "receiver", events: ["acme.*"], url: RECEIVER, signingSecret: RECEIVER_SECRET },
    { id: "receiver-get", events: ["probe.*"], url: RECEIVER, method: "GET", signingSecret: RECEIVER_SECRET },
    { id: "wrong-secret", events: ["forged.*"], url: RECEIVER, signingSecret: "whsec_bm90LXRoZS1yZWNlaXZlcnMta2V5" },
    { id: "busy", events: ["rush.*"], url: BUSY_RECEIVER, signingSecret: RECEIVER_SECRET },
  ],
};

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

/** A provider's notification through /hooks/acme; the queue messages it produced. */
async function notify(payload: Record<string, unknown>): Promise<DeliveryMessage[]> {
  const { queue, sent } = recordingQueue();
  const response = await callWorker(
    new Request("http://127.0.0.1/hooks/acme", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) }),
    { GATEWAY_CONFIG: JSON.stringify(config), DELIVERIES: queue },
  );
  expect(response.status).toBe(202);
  return sent;
}

async function deliver(messages: unknown[]) {
  const observed = observedFetch();
  const bindings = { ...env, GATEWAY_CONFIG: JSON.stringify(config) };
  // Real time: the receiver checks webhook-timestamp against its own clock.
  const run = await runBatch(messages, bindings, { fetch: observed.fetch, now: Date.now, random: Math.random });
  return { ...run, answers: observed.answers };
}

describe("a delivery read by the reference libraries", () => {
  it("verifies with standardwebhooks and parses as one structured-mode CloudEvent, non-ASCII data included", async () => {
    const id = uniqueId("pedido");
    const messages = await notify({ id, type: "acme.paid", customer: "João da Conceição", city: "São Paulo", amount: 150.75 });
    expect(messages).toHaveLength(1);
    const run = await deliver(messages);
    expect(run.answers).toEqual([{ status: 200, retryAfter: null, body: { status: "processed", id: `acme:${id}`, type: "acme.paid" } }]);
    expect(run.acked(0)).toBe(true);
  });

  it("verifies a GET delivery (empty body, attributes as percent-encoded ce-* headers) and parses it in binary mode", async () => {
    const id = `${uniqueId("probe")} nº 7`;
    const run = await deliver(await notify({ id, type: "probe.ping" }));
    expect(run.answers[0]).toMatchObject({ status: 200, body: { status: "processed", id: `acme:${id}`, type: "probe.ping" } });
    expect(run.acked(0)).toBe(true);
  });

  it("is deduplicated on webhook-id: the same envelope delivered again is answered 200 without doing the work twice", async () => {
    const messages = await notify({ id: uniqueId("twice"), type: "acme.paid" });
    const first = await deliver(messages);
    const again = await deliver(messages);
    expect(first.answers[0]!.body.status).toBe("processed");
    expect(again.answers[0]).toMatchObject({ status: 200, body: { status: "duplicate" } });
    expect(again.acked(0)).toBe(true);
  });

  it("is refused by the receiver when signed with another secret, and the gateway keeps it as a dead letter at once", async () => {
    const { send } = spyOnResends();
    const messages = await notify({ id: uniqueId("forged"), type: "forged.paid" });
    const run = await deliver(messages);
    expect(run.answers[0]).toMatchObject({ status: 401, body: { error: "bad signature" } });
    expect(run.acked(0)).toBe(true);
    expect(send).not.toHaveBeenCalled();
    const record = await getDeadLetter(env.STATE, await deliveryDeadLetterId(messages[0]!.envelope!.id, "wrong-secret"));
    expect(record).toMatchObject({ reason: "rejected", lastStatus: 401 });
  });

  it("answers 503 with Retry-After when busy, and the gateway tries again after exactly that delay", async () => {
    const { resent } = spyOnResends();
    const messages = [...(await notify({ id: uniqueId("rush"), type: "rush.order" })), ...(await notify({ id: uniqueId("rush"), type: "rush.order" }))];
    const run = await deliver(messages);
    expect(run.answers.map((a) => a.status).sort()).toEqual([200, 503]);
    const busy = run.answers.find((a) => a.status === 503)!;
    expect(busy.retryAfter).toBe("30");
    expect(resent()).toHaveLength(1);
    expect(resent()[0]!.delaySeconds).toBe(30);
    expect(resent()[0]!.body.attempts).toMatchObject([{ status: 503 }]);
    expect(run.acked(0) && run.acked(1)).toBe(true);
  });
});
