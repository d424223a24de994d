import { describe, expect, it } from "vitest";
import { Route } from "../../src/config/schema";
import { backoffSeconds, MAX_DELAY_SECONDS } from "../../src/delivery/backoff";
import { classify, parseRetryAfter } from "../../src/delivery/classify";
import { buildDeliveryRequest } from "../../src/delivery/request";
import { fitMessage } from "../../src/delivery/resend";
import { signStandardWebhook } from "../../src/delivery/sign";
import { deliveryMessage, envelope, NOW } from "./helpers";

describe("signStandardWebhook", () => {
  it("matches the published Standard Webhooks vector", async () => {
    const signature = await signStandardWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});

describe("backoffSeconds", () => {
  it.each([
    [1, 4, 5],
    [2, 45, 60],
    [3, 225, 300],
    [4, 1_350, 1_800],
    [7, 16_200, 21_600],
    [9, 32_400, 43_200],
    [40, 32_400, 43_200],
  ])("after attempt %i waits between %i and %i seconds", (attempt, low, high) => {
    expect(backoffSeconds(attempt, () => 0)).toBe(low);
    expect(backoffSeconds(attempt, () => 0.999999)).toBe(high);
    expect(backoffSeconds(attempt, Math.random)).toBeGreaterThanOrEqual(low);
    expect(backoffSeconds(attempt, Math.random)).toBeLessThanOrEqual(high);
  });

  it("keeps trying for at least 24 hours over the default 10 attempts, the first retry within seconds", () => {
    const waits = (random: () => number) => Array.from({ length: 9 }, (_, i) => backoffSeconds(i + 1, random));
    const shortest = waits(() => 0).reduce((a, b) => a + b, 0);
    expect(shortest).toBeGreaterThanOrEqual(24 * 3600);
    expect(waits(() => 0.999999).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(36 * 3600);
    expect(backoffSeconds(1, () => 0.999999)).toBeLessThanOrEqual(5);
  });

  it("follows a configured schedule, capped at the 24 hours Queues allows", () => {
    expect(backoffSeconds(1, () => 0.999999, [10, 200_000])).toBe(10);
    expect(backoffSeconds(2, () => 0.999999, [10, 200_000])).toBe(MAX_DELAY_SECONDS);
    expect(backoffSeconds(5, () => 0.999999, [10, 20])).toBe(20);
  });
});

describe("classify", () => {
  const ctx = { attempt: 1, maxAttempts: 8, now: NOW, random: () => 0 };
  const response = (status: number, retryAfter?: string) => ({ kind: "response" as const, status, retryAfter });

  it.each([200, 201, 204, 299])("%i is done", (status) => expect(classify(response(status), ctx)).toEqual({ kind: "done" }));
  it.each([301, 302, 307, 308])("%i is a redirect, not followed", (status) =>
    expect(classify(response(status), ctx)).toEqual({ kind: "dead", reason: "redirected" }),
  );
  it.each([400, 401, 403, 404, 410, 422])("%i is refused for good", (status) =>
    expect(classify(response(status), ctx)).toEqual({ kind: "dead", reason: "rejected" }),
  );
  it.each([408, 429, 500, 502, 503, 504])("%i is tried again", (status) => expect(classify(response(status), ctx)).toEqual({ kind: "retry", delaySeconds: 4 }));

  it("tries timeouts and network errors again, until the last attempt", () => {
    expect(classify({ kind: "timeout" }, ctx)).toEqual({ kind: "retry", delaySeconds: 4 });
    expect(classify({ kind: "network" }, { ...ctx, attempt: 8 })).toEqual({ kind: "dead", reason: "attempts_exhausted" });
  });

  it("takes Retry-After instead of the backoff, longer or shorter, at least 5 s, capped at what Queues allows", () => {
    expect(classify(response(503, "120"), ctx)).toEqual({ kind: "retry", delaySeconds: 120 });
    expect(classify(response(429, "7"), ctx)).toEqual({ kind: "retry", delaySeconds: 7 });
    expect(classify(response(429, "1"), ctx)).toEqual({ kind: "retry", delaySeconds: 5 });
    expect(classify(response(503, "0"), ctx)).toEqual({ kind: "retry", delaySeconds: 5 });
    expect(classify(response(503, "soon"), ctx)).toEqual({ kind: "retry", delaySeconds: 4 });
    expect(classify(response(503, "86400"), ctx)).toEqual({ kind: "retry", delaySeconds: MAX_DELAY_SECONDS });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, relative to now", () => {
    expect(parseRetryAfter("30", NOW)).toBe(30);
    expect(parseRetryAfter(new Date(NOW + 90_500).toUTCString(), NOW)).toBe(90);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).toBe(0);
  });
  it.each([null, undefined, "", "soon", "-5", "1.5"])("ignores %s", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe("buildDeliveryRequest", () => {
  const route = (fields: Record<string, unknown>) => Route.parse({ id: "r", events: ["*"], url: "http://localhost/x", ...fields });

  it("encodes basic credentials as UTF-8 and lets the protocol headers win over a header auth of the same name", () => {
    const basic = buildDeliveryRequest(route({ auth: { type: "basic", username: "joão", password: "a:b" } }), envelope(), "{}", 1);
    expect(atob(basic.init.headers.authorization!.slice(6))).toBe(String.fromCharCode(...new TextEncoder().encode("joão:a:b")));
    const clash = buildDeliveryRequest(route({ auth: { type: "header", name: "Webhook-Id", value: "x" } }), envelope({ id: "acme:1" }), "{}", 1);
    expect(clash.init.headers["webhook-id"]).toBe("acme:1");
  });

  it("percent-encodes an id that could not be a header value, and that is the id signed", () => {
    const request = buildDeliveryRequest(route({}), envelope({ id: 'acme:"ñ" 1' }), "{}", 1);
    expect(request.init.headers["webhook-id"]).toBe("acme:%22%C3%B1%22%201");
    expect(request.init.body).toBe("{}");
  });
});

describe("fitMessage", () => {
  it("shortens earlier attempts' errors when the history would overflow a queue message, and keeps the last whole", () => {
    const attempts = Array.from({ length: 60 }, (_, i) => ({ at: "t", status: 500, error: `${i}`.padEnd(2048, "e"), durationMs: 1 }));
    const big = deliveryMessage("ledger", { attempts });
    const fitted = fitMessage(big);
    expect(new TextEncoder().encode(JSON.stringify(fitted)).byteLength).toBeLessThanOrEqual(120_000);
    expect(fitted.attempts).toHaveLength(60);
    expect(fitted.attempts[59]!.error).toHaveLength(2048);
    expect(fitted.attempts[0]!.error!.length).toBeLessThanOrEqual(201);
    const small = deliveryMessage("ledger", { attempts: attempts.slice(0, 3) });
    expect(fitMessage(small)).toBe(small);
  });
});
