import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getDeadLetter } from "../../src/deadletters/store";
import type { DeliveryMessage } from "../../src/delivery/message";
import type { FollowUp } from "../../src/ingest/followup";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "./operations";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const ADMIN_TOKEN = "admin-token-batches-0042-9e1d7c3b5a";

const config = {
  sources: {
    pix: { provider: "pix", auth: [{ type: "none" }] },
    nowhere: { provider: "pix", auth: [{ type: "none" }] },
    capped: { provider: "pix", maxNotificationsPerRequest: 3, auth: [{ type: "none" }] },
    big: { provider: "pix", maxBodyBytes: 10 * 1024 * 1024, auth: [{ type: "none" }] },
  },
  routes: [{ id: "ledger", events: ["pix.*"], sources: ["pix", "capped"], url: "http://127.0.0.1:8787/ledger" }],
};

/** The free plan's subrequests per invocation; the paid plan's 1,000 KV operations are looser still. */
const FREE_SUBREQUESTS = 50;

function pixItem(endToEndId: string, extra: Record<string, unknown> = {}) {
  return { endToEndId, txid: `tx${endToEndId.slice(-20)}`, valor: "10.00", horario: "2026-05-01T12:00:00Z", ...extra };
}

function items(n: number) {
  const prefix = uniqueId("E").replace(/-/g, "");
  return Array.from({ length: n }, (_, i) => pixItem(`${prefix}${String(i).padStart(5, "0")}`));
}

function post(source: string, body: unknown, bindings: Record<string, unknown>) {
  const request = new Request(`https://gw.example/hooks/${source}/pix`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN, ...bindings });
}

const deliveries = (sent: unknown[]) => sent.filter((m): m is DeliveryMessage => typeof m === "object" && m !== null && "routeId" in m);
const followUps = (sent: unknown[]) => sent.filter((m): m is FollowUp => typeof m === "object" && m !== null && "task" in m);

describe("a 1,000-item Pix batch", () => {
  it("is accepted whole within the free plan's 50 subrequests, one delivery per item, marked in the ledger only after the enqueue", async () => {
    const batch = items(1000);
    const counter = countingBindings();
    const response = await post("pix", { pix: batch }, counter.bindings);

    expect(response.status).toBe(202);
    const answer = await response.json<{ ids: string[] }>();
    expect(answer.ids).toHaveLength(1000);
    const sent = deliveries(counter.sent);
    expect(new Set(sent.map((m) => m.envelope!.id)).size).toBe(1000);
    // 1 route read + 16 shard reserves + 10 sendBatch calls + 16 shard confirms; no KV mark at all.
    expect(counter.count()).toBeLessThanOrEqual(FREE_SUBREQUESTS);
    expect(counter.count()).toBe(43);
    expect(counter.count("DEDUP")).toBe(0);
    expect(counter.count("DELIVERIES.sendBatch")).toBe(10);
    expect(followUps(counter.sent)).toEqual([]);
    // The confirms (the rows) come after the last sendBatch.
    const lastSend = counter.calls.lastIndexOf("DELIVERIES.sendBatch");
    expect(counter.calls.indexOf("LEDGER.confirm")).toBeGreaterThan(lastSend);

    // The same batch again is a duplicate, enqueued nowhere.
    const again = countingBindings();
    const second = await post("pix", { pix: batch }, again.bindings);
    expect(second.status).toBe(200);
    expect((await second.json<{ ids: string[] }>()).ids).toHaveLength(1000);
    expect(again.sent).toHaveLength(0);
  }, 60_000);

  it("sends no mark when the enqueue fails, and answers 503 so the PSP's retry gets through", async () => {
    const batch = items(200);
    const counter = countingBindings({ failQueue: true });
    const response = await post("pix", { pix: batch }, counter.bindings);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).not.toBeNull();
    expect(followUps(counter.sent)).toHaveLength(0);
    expect((await post("pix", { pix: batch }, countingBindings().bindings)).status).toBe(202);
  });

  it("with no route matching any item stays within the limits, and writes nothing but the ledger: no KV, no follow-up message", async () => {
    const batch = items(1000);
    const counter = countingBindings();
    const response = await post("nowhere", { pix: batch }, counter.bindings);
    expect(response.status).toBe(202);
    expect(counter.count()).toBeLessThanOrEqual(FREE_SUBREQUESTS);
    expect(counter.count("STATE.put")).toBe(0);
    expect(followUps(counter.sent).filter((m) => m.task === "unrouted")).toHaveLength(0);
    expect(counter.sent).toHaveLength(0);
  }, 30_000);
});

describe("a batch larger than maxNotificationsPerRequest", () => {
  it("is quarantined whole (202), nothing enqueued, and a replay accepts every item", async () => {
    const batch = items(4);
    const counter = countingBindings();
    const response = await post("capped", { pix: batch }, counter.bindings);
    expect(response.status).toBe(202);
    const { status, id } = await response.json<{ status: string; id: string }>();
    expect(status).toBe("quarantined");
    expect(counter.sent).toHaveLength(0);
    expect((await getDeadLetter(env.STATE, id))?.reason).toBe("too_many_notifications");

    const replaying = countingBindings();
    const replay = await callWorker(
      new Request(`https://gw.example/admin/dead-letters/${id}/replay`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
      { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN, ...replaying.bindings },
    );
    expect(replay.status).toBe(202);
    expect(deliveries(replaying.sent).map((m) => m.envelope!.data)).toEqual(batch);
    expect(await getDeadLetter(env.STATE, id)).toBeUndefined();
  });

  it("counts notifications, not items: one item with more refunds than the bound is quarantined", async () => {
    const [item] = items(1);
    const devolucoes = ["D1", "D2", "D3"].map((rid) => ({ id: rid, rtrId: rid, valor: "1.00", status: "DEVOLVIDO" }));
    const response = await post("capped", { pix: [{ ...item, devolucoes }] }, countingBindings().bindings);
    expect((await response.json<{ status: string }>()).status).toBe("quarantined");
  });

  it("is bounded at the gateway's default of 1,000", async () => {
    const counter = countingBindings();
    const response = await post("pix", { pix: items(1001) }, counter.bindings);
    expect((await response.json<{ status: string }>()).status).toBe("quarantined");
    expect(counter.sent).toHaveLength(0);
  });
});

describe("a refund envelope", () => {
  it("carries the Pix's identifying fields with only its own refund", async () => {
    const [item] = items(1);
    const devolucoes = ["D1", "D2"].map((rid) => ({ id: rid, rtrId: rid, valor: "1.00", status: "DEVOLVIDO" }));
    const counter = countingBindings();
    expect((await post("pix", { pix: [{ ...item, devolucoes }] }, counter.bindings)).status).toBe(202);
    const byType = deliveries(counter.sent).map((m) => [m.envelope!.type, m.envelope!.data] as const);
    expect(byType).toEqual([
      ["pix.received", { ...item, devolucoes }],
      ["pix.refund.devolvido", { ...item, devolucoes: [devolucoes[0]] }],
      ["pix.refund.devolvido", { ...item, devolucoes: [devolucoes[1]] }],
    ]);
    // pixItem() holds exactly the identifying fields: a field beyond them stays with the Pix alone.
    const withExtra = { ...items(1)[0]!, infoPagador: "Reforma", devolucoes: [devolucoes[0]] };
    const again = countingBindings();
    expect((await post("pix", { pix: [withExtra] }, again.bindings)).status).toBe(202);
    expect(deliveries(again.sent).map((m) => m.envelope!.data)).toEqual([
      withExtra,
      { endToEndId: withExtra.endToEndId, txid: withExtra.txid, valor: withExtra.valor, horario: withExtra.horario, devolucoes: [devolucoes[0]] },
    ]);
  });
});

describe("envelopes too large for a queue message", () => {
  it("are stored aside up to a bound; past it the request is quarantined whole instead of exceeding the request's KV writes", async () => {
    // 101 refunds of ~100 KB each (a refund no longer copies its Pix): 101 envelopes too large for a message.
    const [item] = items(1);
    const devolucoes = Array.from({ length: 101 }, (_, i) => ({
      id: `D${i}`,
      rtrId: `D${i}`,
      valor: "1.00",
      status: "DEVOLVIDO",
      motivo: "x".repeat(100_000),
    }));
    const large = { ...item, devolucoes };
    const counter = countingBindings();
    const response = await post("big", { pix: [large] }, counter.bindings);
    expect(await response.json()).toMatchObject({ status: "quarantined" });
    expect(counter.count("STATE.put")).toBe(2); // the quarantined request (its record and its listing key), nothing else
    expect(counter.sent).toHaveLength(0);
  });
});
