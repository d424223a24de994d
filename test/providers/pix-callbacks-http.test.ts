import { afterEach, describe, expect, it, vi } from "vitest";
import * as examples from "../adapters/pix-examples";
import { callWorker, captureLogs, recordingQueue, uniqueId } from "../helpers";

// The symptom, end to end: a PSP reporting a Pix the account sent, REALIZADO and then
// NAO_REALIZADO for the same endToEndId, must have both notifications accepted.
afterEach(() => vi.restoreAllMocks());

function world() {
  const source = uniqueId("pix").toLowerCase();
  const config = {
    sources: { [source]: { provider: "pix", auth: [{ type: "none" }] } },
    routes: [{ id: "ledger", events: ["pix.*"], url: "http://127.0.0.1:8860/x" }],
  };
  const { queue, sent } = recordingQueue();
  const env: Record<string, unknown> = { GATEWAY_CONFIG: JSON.stringify(config), DELIVERIES: queue };
  const post = async (rest: string, body: unknown) => {
    const request = new Request(`http://localhost/hooks/${source}/${rest}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const { result } = await captureLogs(() => callWorker(request, env));
    return { status: result.status, body: await result.json<Record<string, unknown>>() };
  };
  return { source, post, types: () => sent.map((m) => m.envelope?.type) };
}

describe("Banco Central's Pix callbacks over HTTP", () => {
  it("accepts both statuses of one sent Pix instead of answering the second 200 duplicate", async () => {
    const { source, post, types } = world();
    const e2e = "E090893562021030PIf25a7868";
    expect(await post("pix", examples.efiPixSent())).toEqual({ status: 202, body: { status: "accepted", ids: [`${source}:${e2e}:sent:realizado`] } });
    expect(await post("pix", examples.efiPixRejected())).toEqual({ status: 202, body: { status: "accepted", ids: [`${source}:${e2e}:sent:nao_realizado`] } });
    expect(await post("pix", examples.efiPixRejected())).toEqual({ status: 200, body: { status: "duplicate", ids: [`${source}:${e2e}:sent:nao_realizado`] } });
    expect(types()).toEqual(["pix.sent.realizado", "pix.sent.nao_realizado"]);
  });

  it("takes /rec and /cobr, and quarantines a body at the wrong callback", async () => {
    const { post, types } = world();
    expect((await post("rec", examples.recWebhookNotification1())).status).toBe(202);
    expect((await post("cobr", examples.cobRWebhookNotification1())).status).toBe(202);
    expect(await post("pix", examples.cobRWebhookNotification1())).toMatchObject({ status: 202, body: { status: "quarantined" } });
    expect(types()).toEqual(["pix.recurrence.aprovada", "pix.recurring_charge.ativa"]);
  });
});
