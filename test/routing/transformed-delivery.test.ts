import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter } from "../../src/deadletters/store";
import type { Bindings } from "../../src/env";
import { arrivals, bucketUrl } from "../delivery/governed/helpers";
import { captureLogs, runBatch } from "../delivery/helpers";
import { bs2Boleto as boleto, standardWebhooksSignature, uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, eventConfig, notify } from "../ledger/helpers";

/**
 * Transformed routes delivering for real: the gateway's consumer, with the real fetch, to the
 * recording receiver on 127.0.0.1 (test/node/recorder.ts), which keeps each request as it came.
 */

const SECRET = "whsec_dHJhbnNmb3JtLXRlc3Qtc2lnbmluZy1rZXk=";

/** What an ERP wants of a settled boleto. */
const ERP = '{"boleto": data.NossoNumeroBoleto, "order": data.SeuNumeroBoleto, "amount": $number(data.ValorLiquidado), "paidAt": time}';

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

/** Notifies through /hooks/bs2 and runs what was queued through the consumer with the real fetch, at real time. */
async function notifyAndDeliver(bound: Bindings, payload: Record<string, unknown>) {
  const { queue, take } = capturingQueue();
  expect((await notify(payload, { ...bound, DELIVERIES: queue } as unknown as Bindings, undefined, "bs2")).status).toBe(202);
  const queued = take();
  const run = queued.length === 0 ? undefined : await runBatch(queued, bound, { fetch: globalThis.fetch, now: Date.now, random: Math.random });
  return { queued, run };
}

function erpRoute(bucket: string, more: Record<string, unknown> = {}) {
  return { id: "erp", events: ["bs2.boleto.*"], url: bucketUrl(bucket), signingSecret: SECRET, transform: ERP, ...more };
}

describe("a route with a transform", () => {
  it("receives exactly the expression's result, as JSON, signed the Standard Webhooks way with the envelope's webhook-id", async () => {
    const bucket = uniqueId("erp");
    const id = uniqueId("boleto");
    const { queued, run } = await notifyAndDeliver(bindings(eventConfig([erpRoute(bucket)])), boleto(id, 3));
    expect(queued).toHaveLength(1);
    expect(run!.acked(0)).toBe(true);

    const [arrival, ...more] = await arrivals(bucket);
    expect(more).toEqual([]);
    expect(arrival!.body).toBe('{"boleto":"00012345","order":"PEDIDO-981","amount":150,"paidAt":"2024-09-05T10:00:00-03:00"}');
    expect(arrival!.headers["content-type"]).toBe("application/json");
    const webhookId = `bs2:${id}:3`;
    expect(arrival!.headers["webhook-id"]).toBe(webhookId);
    const timestamp = Number(arrival!.headers["webhook-timestamp"]);
    expect(arrival!.headers["webhook-signature"]).toBe(await standardWebhooksSignature(SECRET, webhookId, timestamp, arrival!.body));
  });

  it("composes with a filter: the filter decides (status 3 only), the transform shapes", async () => {
    const bucket = uniqueId("erp-filtered");
    const bound = bindings(eventConfig([erpRoute(bucket, { filter: { data: { StatusBoleto: { Status: 3 } } } })]));
    const id = uniqueId("boleto");
    const paid = await notifyAndDeliver(bound, boleto(id, 2));
    expect(paid.queued).toEqual([]);
    await notifyAndDeliver(bound, boleto(id, 3));

    const received = await arrivals(bucket);
    expect(received.map((a) => a.headers["webhook-id"])).toEqual([`bs2:${id}:3`]);
    expect(JSON.parse(received[0]!.body)).toEqual({ boleto: "00012345", order: "PEDIDO-981", amount: 150, paidAt: "2024-09-05T10:00:00-03:00" });
  });

  it("that fails on an envelope makes a transform_failed dead letter with the message; a replay after the fix delivers the new shape", async () => {
    const bucket = uniqueId("erp-fixed");
    // The ERP's first expression reads a field BS2 does not send: nothing matches, the result is empty.
    const broken = bindings(eventConfig([erpRoute(bucket, { transform: "{ 'boleto': data.Boleto }.boleto" })]));
    const id = uniqueId("boleto");
    const first = await notifyAndDeliver(broken, boleto(id, 3));
    expect(first.run!.acked(0)).toBe(true);
    expect(await arrivals(bucket)).toEqual([]);

    const envelopeId = `bs2:${id}:3`;
    const deadLetterId = await deliveryDeadLetterId(envelopeId, "erp");
    const record = await getDeadLetter(env.STATE, deadLetterId);
    expect(record).toMatchObject({ kind: "delivery", routeId: "erp", reason: "transform_failed", attempts: [] });
    expect(record!.lastError).toBe("the transform's result is empty (nothing matched)");

    // The operator fixes the route's transform and replays: the consumer shapes it with the route as it is now.
    const fixed = bindings(eventConfig([erpRoute(bucket)]));
    const { queue, take } = capturingQueue();
    const replay = await admin(`/admin/dead-letters/${deadLetterId}/replay`, { ...fixed, DELIVERIES: queue } as unknown as Bindings, {
      method: "POST",
      body: "{}",
    });
    expect(replay.status).toBe(202);
    const run = await runBatch(take(), fixed, { fetch: globalThis.fetch, now: Date.now, random: Math.random });
    expect(run.acked(0)).toBe(true);

    const received = await arrivals(bucket);
    expect(received.map((a) => a.headers["webhook-id"])).toEqual([envelopeId]);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ boleto: "00012345", amount: 150 });
    expect(await getDeadLetter(env.STATE, deadLetterId)).toBeUndefined();
  });

  it("that the budget stops (a recursion without end) is a transform_failed dead letter naming the budget, not a hung consumer", async () => {
    const bucket = uniqueId("erp-loop");
    const loop = "($f := function($n) { $f($n + 1) }; $f(0))";
    const id = uniqueId("boleto");
    const { run } = await notifyAndDeliver(bindings(eventConfig([erpRoute(bucket, { transform: loop })])), boleto(id, 3));
    expect(run!.acked(0)).toBe(true);
    const record = await getDeadLetter(env.STATE, await deliveryDeadLetterId(`bs2:${id}:3`, "erp"));
    expect(record?.reason).toBe("transform_failed");
    expect(record?.lastError).toMatch(/D1011|units of work/);
    expect(await arrivals(bucket)).toEqual([]);
  });
});
