import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStandardWebhooksAuthenticator } from "../../src/auth/standard-webhooks";
import {
  AUDIT_PASSWORD,
  answering,
  captureLogs,
  deliveryMessage,
  deps,
  envelope,
  LEDGER_TOKEN,
  LEDGER_WHSEC,
  NOW,
  PROBE_KEY,
  runBatch,
  target,
  testEnv,
} from "./helpers";

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => (logs = captureLogs()));
afterEach(() => vi.restoreAllMocks());

/** Written from the Standard Webhooks spec, apart from the code under test. */
async function verify(secret: string, headers: Record<string, string>, body: string): Promise<boolean> {
  const key = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const content = new TextEncoder().encode(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, content));
  const expected = btoa(String.fromCharCode(...mac));
  return (headers["webhook-signature"] ?? "").split(" ").some((entry) => entry === `v1,${expected}`);
}

describe("the signature", () => {
  it("verifies over the exact bytes received, with an independent verifier and with the gateway's own", async () => {
    const sink = target();
    await runBatch([deliveryMessage("ledger", { envelope: envelope({ data: { note: "ação ✓", n: 1.5 } }) })], testEnv(), deps(sink.fetch));
    const request = sink.received[0]!;
    expect(await verify(LEDGER_WHSEC, request.headers, request.body!)).toBe(true);
    expect(await verify(LEDGER_WHSEC, request.headers, request.body!.replace("1.5", "1.6"))).toBe(false);

    const inbound = createStandardWebhooksAuthenticator({ type: "standard-webhooks", secret: LEDGER_WHSEC });
    const outcome = await inbound({
      method: "POST",
      url: new URL(request.url),
      headers: new Headers(request.headers),
      body: new TextEncoder().encode(request.body!),
      now: NOW,
    });
    expect(outcome).toEqual({ ok: true });
  });
});

describe("a GET route", () => {
  it("sends the CloudEvents attributes as ce-* headers, percent-encoded, with no body, signed over the empty body", async () => {
    const sink = target();
    const message = deliveryMessage("probe", { envelope: envelope({ subject: "ordem nº 7" }) });
    const run = await runBatch([message], testEnv(), deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    const request = sink.received[0]!;
    const e = message.envelope!;
    expect(request.method).toBe("GET");
    expect(request.redirect).toBe("manual");
    expect(request.body).toBeUndefined();
    expect(request.headers["content-type"]).toBeUndefined();
    expect(request.headers).toMatchObject({
      "ce-specversion": "1.0",
      "ce-id": e.id,
      "ce-source": "/hooks/acme",
      "ce-type": "acme.paid",
      "ce-subject": "ordem%20n%C2%BA%207",
      "ce-time": e.time,
      "ce-receivedat": e.receivedat,
      "x-api-key": PROBE_KEY,
    });
    expect(decodeURIComponent(request.headers["ce-subject"]!)).toBe("ordem nº 7");
    expect(await verify(LEDGER_WHSEC, request.headers, "")).toBe(true);
  });
});

describe("the log", () => {
  it("has one JSON line per attempt (LOG_SUCCESS=all) with ids, status, outcome and duration, and never a secret or a body", async () => {
    const sink = answering((url) => (url.endsWith("/ledger") ? new Response(`secret-looking body ${LEDGER_TOKEN}`, { status: 500 }) : new Response("ok")));
    const ledger = deliveryMessage("ledger");
    await runBatch([ledger, deliveryMessage("audit"), deliveryMessage("probe")], { ...testEnv(), LOG_SUCCESS: "all" }, deps(sink.fetch));

    const attempts = logs.lines().filter((line) => line.event === "delivery_attempt");
    expect(attempts).toHaveLength(3);
    expect(attempts.find((line) => line.routeId === "ledger")).toMatchObject({
      envelopeId: ledger.envelope!.id,
      attempt: 1,
      status: 500,
      result: "retry",
      durationMs: 0,
    });
    const everything = logs.raw().join("\n");
    for (const secret of [LEDGER_TOKEN, LEDGER_WHSEC.slice(6), AUDIT_PASSWORD, btoa(`hook:${AUDIT_PASSWORD}`), PROBE_KEY, "secret-looking body"]) {
      expect(everything).not.toContain(secret);
    }
  });
});
