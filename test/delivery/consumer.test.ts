import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AUDIT_PASSWORD, captureLogs, deliveryMessage, deps, LEDGER_TOKEN, NOW, runBatch, spyOnResends, target, testEnv } from "./helpers";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

describe("a target that takes the envelope", () => {
  it("gets it once, as a signed CloudEvents POST with the route's auth, and the message is acked", async () => {
    const sink = target(new Response("thanks", { status: 200 }));
    const { resent } = spyOnResends();
    const message = deliveryMessage("ledger");
    const run = await runBatch([message], testEnv(), deps(sink.fetch));

    expect(run.acked(0)).toBe(true);
    expect(run.retried(0)).toBe(false);
    expect(resent()).toEqual([]);
    expect(sink.received).toHaveLength(1);
    const request = sink.received[0]!;
    expect(request.url).toBe("http://127.0.0.1:8787/ledger");
    expect(request.method).toBe("POST");
    expect(request.redirect).toBe("manual");
    expect(request.headers["content-type"]).toBe("application/cloudevents+json");
    expect(request.headers.authorization).toBe(`Bearer ${LEDGER_TOKEN}`);
    expect(request.headers["webhook-id"]).toBe(message.envelope!.id);
    expect(request.headers["webhook-timestamp"]).toBe(String(NOW / 1000));
    expect(request.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(request.body!)).toEqual(message.envelope);
  });

  it("PUTs with basic auth when the route says so", async () => {
    const sink = target(new Response(null, { status: 204 }));
    const run = await runBatch([deliveryMessage("audit")], testEnv(), deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    expect(sink.received[0]!.method).toBe("PUT");
    expect(sink.received[0]!.headers.authorization).toBe(`Basic ${btoa(`hook:${AUDIT_PASSWORD}`)}`);
    expect(sink.received[0]!.headers["webhook-signature"]).toBeUndefined();
  });
});

describe("a target that fails for a while", () => {
  it("gets it on the third attempt after 500, 500, with growing delays and the history carried along", async () => {
    const sink = target(new Response("down", { status: 500 }), new Response("still down", { status: 503 }), new Response("ok"));
    const { resent, send } = spyOnResends();
    const bindings = testEnv();
    const first = await runBatch([deliveryMessage("ledger")], bindings, deps(sink.fetch));
    expect(first.acked(0)).toBe(true);
    expect(resent()).toHaveLength(1);

    const second = await runBatch([resent()[0]!.body], bindings, deps(sink.fetch));
    expect(second.acked(0)).toBe(true);
    expect(resent()).toHaveLength(2);

    const third = await runBatch([resent()[1]!.body], bindings, deps(sink.fetch));
    expect(third.acked(0)).toBe(true);
    expect(send).toHaveBeenCalledTimes(2);
    expect(sink.received).toHaveLength(3);

    const [one, two] = resent();
    // The default schedule: the first retry within seconds, the second within a minute.
    expect(one!.delaySeconds).toBeGreaterThanOrEqual(4);
    expect(one!.delaySeconds).toBeLessThanOrEqual(5);
    expect(two!.delaySeconds).toBeGreaterThanOrEqual(45);
    expect(two!.delaySeconds).toBeLessThanOrEqual(60);
    expect(two!.delaySeconds!).toBeGreaterThan(one!.delaySeconds!);
    expect(two!.body.attempts.map((a) => [a.status, a.error])).toEqual([
      [500, "down"],
      [503, "still down"],
    ]);
  });

  it.each([
    ["seconds", "600", 600],
    ["an HTTP date", new Date(NOW + 3_600_000).toUTCString(), 3600],
    ["more than Queues allows", "999999", 86_400],
  ])("waits as long as Retry-After asks in %s", async (_, retryAfter, expected) => {
    const sink = target(new Response("slow down", { status: 429, headers: { "Retry-After": retryAfter } }));
    const { resent } = spyOnResends();
    const run = await runBatch([deliveryMessage("ledger")], testEnv(), deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    expect(resent()[0]!.delaySeconds).toBe(expected);
  });

  it("retries a target that does not answer within the route's timeout, and says it timed out", async () => {
    const sink = target("hang");
    const { resent } = spyOnResends();
    const run = await runBatch([deliveryMessage("slow")], testEnv(), deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    expect(sink.received[0]!.signal?.aborted).toBe(true);
    const attempt = resent()[0]!.body.attempts[0]!;
    expect(attempt.status).toBeUndefined();
    expect(attempt.error).toBe("timeout after 100 ms");
  });

  it("retries a network error and tells it apart from a timeout", async () => {
    const sink = target(new TypeError("Network connection lost."));
    const { resent } = spyOnResends();
    await runBatch([deliveryMessage("slow")], testEnv(), deps(sink.fetch));
    expect(resent()[0]!.body.attempts[0]!.error).toBe("network error: TypeError: Network connection lost.");
  });

  it("keeps credentials in a URL out of a network error's text", async () => {
    const sink = target(new TypeError("Failed to fetch https://user:hunter2@ledger.internal/x"));
    const { resent } = spyOnResends();
    await runBatch([deliveryMessage("slow")], testEnv(), deps(sink.fetch));
    expect(resent()[0]!.body.attempts[0]!.error).toBe("network error: TypeError: Failed to fetch https://***@ledger.internal/x");
  });

  it("falls back to Queues' own retry, with the delay, when the re-send fails", async () => {
    const sink = target(new Response("down", { status: 502 }));
    const { send } = spyOnResends();
    send.mockRejectedValue(new Error("queue unavailable"));
    const run = await runBatch(
      [deliveryMessage("ledger")],
      testEnv(),
      deps(sink.fetch, NOW, () => 1),
    );
    expect(run.acked(0)).toBe(false);
    expect(run.retried(0)).toBe(true);
    expect(run.retryOptions(0)).toEqual({ delaySeconds: 5 });
  });
});

describe("a consumer that cannot reach KV", () => {
  const failingKv = () =>
    ({
      ...testEnv(),
      STATE: { get: async () => Promise.reject(new Error("KV unavailable")), put: async () => Promise.reject(new Error("KV unavailable")) },
    }) as unknown as ReturnType<typeof testEnv>;

  it("puts the message back with a growing delay, never at once, so a short outage cannot use up its retries", async () => {
    const sink = target();
    const first = await runBatch([deliveryMessage("ledger", { envelope: undefined, envelopeKey: "envelope:acme:x" })], failingKv(), deps(sink.fetch));
    const later = await runBatch(
      [deliveryMessage("ledger", { envelope: undefined, envelopeKey: "envelope:acme:x" })],
      failingKv(),
      deps(sink.fetch),
      "hookgate-deliveries",
      4,
    );
    expect(first.acked(0)).toBe(false);
    expect(first.retryOptions(0)?.delaySeconds).toBeGreaterThanOrEqual(4);
    expect(later.retryOptions(0)?.delaySeconds).toBeGreaterThan(first.retryOptions(0)!.delaySeconds!);
    expect(sink.received).toHaveLength(0);
  });

  it("on the dead-letter queue, also waits before trying to keep the message again", async () => {
    const run = await runBatch([deliveryMessage("ledger")], failingKv(), deps(target().fetch), "hookgate-dead-letters");
    expect(run.acked(0)).toBe(false);
    expect(run.retryOptions(0)?.delaySeconds).toBeGreaterThanOrEqual(4);
  });
});
