import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter } from "../../src/deadletters/store";
import type { DeliveryMessage } from "../../src/delivery/message";
import { answering, CONFIG, captureLogs, deliveryMessage, deps, NOW, runBatch, spyOnResends, target, testEnv } from "./helpers";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

async function deadLetterOf(message: DeliveryMessage) {
  return getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, message.routeId));
}

describe("a target that refuses for good", () => {
  it.each([410, 400])("turns %i into a dead letter at once, with the attempt and the body cut to 2 KB", async (status) => {
    const sink = target(new Response("x".repeat(10_000), { status }));
    const { send } = spyOnResends();
    const message = deliveryMessage("ledger");
    const run = await runBatch([message], testEnv(), deps(sink.fetch));

    expect(run.acked(0)).toBe(true);
    expect(send).not.toHaveBeenCalled();
    const record = await deadLetterOf(message);
    expect(record).toMatchObject({ kind: "delivery", reason: "rejected", routeId: "ledger", source: "acme", lastStatus: status, state: "dead" });
    expect(record!.envelope).toEqual(message.envelope);
    expect(record!.attempts).toHaveLength(1);
    expect(record!.attempts[0]).toMatchObject({ status, at: new Date(NOW).toISOString() });
    expect(record!.attempts[0]!.error).toHaveLength(2048);
    expect(record!.lastError).toBe("x".repeat(2048));
  });

  it("keeps the dead letter for the configured number of days", async () => {
    const message = deliveryMessage("ledger");
    await runBatch([message], testEnv(), deps(target(new Response("gone", { status: 410 })).fetch));
    const id = await deliveryDeadLetterId(message.envelope!.id, "ledger");
    const listed = await env.STATE.list({ prefix: `dl:${id}` });
    const expected = Date.now() / 1000 + CONFIG.delivery.deadLetterTtlDays * 86_400;
    expect(listed.keys[0]!.expiration).toBeGreaterThan(expected - 120);
    expect(listed.keys[0]!.expiration).toBeLessThan(expected + 120);
  });

  it("does not follow a redirect: a 3xx is a dead letter that names where it pointed", async () => {
    const sink = target(new Response(null, { status: 302, headers: { Location: "https://elsewhere.example/hooks" } }));
    const message = deliveryMessage("ledger");
    const run = await runBatch([message], testEnv(), deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.redirect).toBe("manual");
    const record = await deadLetterOf(message);
    expect(record).toMatchObject({ reason: "redirected", lastStatus: 302 });
    expect(record!.lastError).toContain("https://elsewhere.example/hooks");
  });

  it("gives up after maxAttempts and keeps every attempt", async () => {
    const sink = target(...[1, 2, 3, 4].map((n) => new Response(`boom ${n}`, { status: 500 })));
    const { resent } = spyOnResends();
    const bindings = testEnv();
    const message = deliveryMessage("ledger");
    let body: unknown = message;
    for (let n = 1; n <= CONFIG.delivery.maxAttempts; n++) {
      const run = await runBatch([body], bindings, deps(sink.fetch));
      expect(run.acked(0)).toBe(true);
      body = resent()[n - 1]?.body;
    }
    expect(resent()).toHaveLength(CONFIG.delivery.maxAttempts - 1);
    expect(sink.received).toHaveLength(CONFIG.delivery.maxAttempts);
    const record = await deadLetterOf(message);
    expect(record).toMatchObject({ reason: "attempts_exhausted", lastStatus: 500, lastError: "boom 4" });
    expect(record!.attempts.map((a) => a.error)).toEqual(["boom 1", "boom 2", "boom 3", "boom 4"]);
  });
});

describe("a batch", () => {
  it("settles each message on its own: a failing route does not hold back or repeat the other", async () => {
    const sink = answering((url) => (url.endsWith("/ledger") ? new Response("down", { status: 503 }) : new Response("ok")));
    const { resent } = spyOnResends();
    const failing = deliveryMessage("ledger");
    const healthy = deliveryMessage("audit");
    const run = await runBatch([failing, healthy], testEnv(), deps(sink.fetch));

    expect(run.result.ackAll).toBe(false);
    expect(run.result.retryBatch.retry).toBe(false);
    expect(run.acked(0)).toBe(true);
    expect(run.acked(1)).toBe(true);
    expect(resent().map((r) => r.body.routeId)).toEqual(["ledger"]);
    expect(sink.received.map((r) => r.url).sort()).toEqual(["http://127.0.0.1:8787/audit", "http://127.0.0.1:8787/ledger"]);
  });

  it("retries only the message whose handling broke, and delivers the other", async () => {
    const stored = deliveryMessage("ledger", { envelope: undefined, envelopeKey: "envelope:acme:kv-down" });
    const healthy = deliveryMessage("audit");
    // The earlier tests' failures to this route would open its breaker (5 failures, no success): not what this test is about.
    const bindings = testEnv({ ...CONFIG, routes: CONFIG.routes.map((r) => ({ ...r, breaker: false })) });
    const get = bindings.STATE.get.bind(bindings.STATE);
    const failingKv = {
      ...bindings.STATE,
      get: async (key: string, type: never) => (key.startsWith("envelope:") ? Promise.reject(new Error("KV down")) : get(key, type)),
    };
    const sink = target();
    const run = await runBatch([stored, healthy], { ...bindings, STATE: failingKv as unknown as KVNamespace }, deps(sink.fetch));
    expect(run.retried(0)).toBe(true);
    expect(run.acked(0)).toBe(false);
    expect(run.acked(1)).toBe(true);
    expect(sink.received.map((r) => r.url)).toEqual(["http://127.0.0.1:8787/audit"]);
  });
});
