import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { basic, callWorker, captureLogs, errorOf, recordingQueue, standardWebhooksSignature, uniqueId } from "../helpers";
import { rowsOf } from "../ledger/shards";

const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const config = {
  sources: {
    acme: {
      provider: "generic",
      idPath: "body.id",
      eventType: "acme.event",
      auth: [{ type: "basic", username: "acme", password: { secret: "ACME_PASSWORD" } }],
    },
    strict: {
      provider: "generic",
      idPath: "body.id",
      eventType: "strict.event",
      onInvalid: "reject",
      auth: [{ type: "bearer", token: "strict-token" }],
    },
    small: { provider: "generic", maxBodyBytes: 64, auth: [{ type: "none" }] },
    big: { provider: "generic", idPath: "body.id", maxBodyBytes: 2_000_000, auth: [{ type: "none" }] },
    fenced: {
      provider: "generic",
      ipAllow: ["203.0.113.0/24", "2001:db8::/32"],
      auth: [{ type: "none" }],
    },
    stdwh: { provider: "standard-webhooks", auth: [{ type: "standard-webhooks", secret: WHSEC }] },
    lonely: { provider: "generic", eventType: "lonely.event", auth: [{ type: "none" }] },
    keyed: { provider: "generic", methods: ["GET"], eventType: "keyed.event", auth: [{ type: "query", name: "key", value: "query-secret-123" }] },
    byheader: { provider: "generic", idPath: "headers.x-event-id", typePath: "body.type", auth: [{ type: "none" }] },
  },
  routes: [
    { id: "ledger", events: ["acme.*", "strict.*", "generic.*", "keyed.*"], url: "https://ledger.internal.example/hooks" },
    { id: "audit", events: ["*"], sources: ["acme", "big", "stdwh"], url: "http://127.0.0.1:9999/audit" },
  ],
};

const PASSWORD = "s3cr3t:with:colons";

function bindings(overrides: Record<string, unknown> = {}) {
  const recorder = recordingQueue();
  return {
    recorder,
    env: { GATEWAY_CONFIG: JSON.stringify(config), ACME_PASSWORD: PASSWORD, DELIVERIES: recorder.queue, ...overrides },
  };
}

function acmeRequest(id: string, init: RequestInit & { url?: string } = {}): Request {
  return new Request(init.url ?? "https://gw.example/hooks/acme", {
    method: "POST",
    body: JSON.stringify({ id, amount: 10 }),
    ...init,
    headers: { "content-type": "application/json", authorization: basic("acme", PASSWORD), ...(init.headers as Record<string, string> | undefined) },
  });
}

describe("the ingest pipeline", () => {
  it("accepts an authenticated notification, enqueues one message per matching route, and answers 202", async () => {
    const { env: bound, recorder } = bindings();
    const id = uniqueId();
    const response = await callWorker(acmeRequest(id), bound);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "accepted", ids: [`acme:${id}`] });
    expect(recorder.sent.map((m) => m.routeId).sort()).toEqual(["audit", "ledger"]);
    const envelope = recorder.sent[0]!.envelope!;
    expect(envelope).toMatchObject({
      specversion: "1.0",
      id: `acme:${id}`,
      source: "/hooks/acme",
      type: "acme.event",
      datacontenttype: "application/json",
      data: { id, amount: 10 },
    });
    expect(Date.parse(envelope.receivedat)).not.toBeNaN();
  });

  it("answers 200 duplicate for a notification id it already accepted, and enqueues nothing", async () => {
    const { env: bound, recorder } = bindings();
    const id = uniqueId();
    expect((await callWorker(acmeRequest(id), bound)).status).toBe(202);
    const sentBefore = recorder.sent.length;

    const again = await callWorker(acmeRequest(id), bound);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", ids: [`acme:${id}`] });
    expect(recorder.sent.length).toBe(sentBefore);
  });

  it("marks the id as seen in the ledger only after the enqueue succeeded, and no longer in KV", async () => {
    const { env: bound } = bindings();
    const id = uniqueId();
    await callWorker(acmeRequest(id), bound);
    expect((await rowsOf(`acme:${id}`)).map((r) => r.id)).toEqual([`acme:${id}`]);
    expect(await env.DEDUP.get(`acme:${id}`)).toBeNull();
  });

  it("answers 503 with Retry-After when the queue fails, marks nothing, and takes the provider's retry", async () => {
    const failing = recordingQueue({ fail: true });
    const id = uniqueId();
    const response = await callWorker(acmeRequest(id), { ...bindings().env, DELIVERIES: failing.queue });

    expect(response.status).toBe(503);
    expect(response.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await errorOf(response)).code).toBe("unavailable");
    expect(await env.DEDUP.get(`acme:${id}`)).toBeNull();
    expect(await rowsOf(`acme:${id}`)).toEqual([]);

    const { env: healthy, recorder } = bindings();
    const retry = await callWorker(acmeRequest(id), healthy);
    expect(retry.status).toBe(202);
    expect(recorder.sent.length).toBe(2);
  });

  it("refuses plain http with 403 https_required, except on localhost", async () => {
    const { env: bound } = bindings();
    const plain = await callWorker(acmeRequest(uniqueId(), { url: "http://gw.example/hooks/acme" }), bound);
    expect(plain.status).toBe(403);
    expect((await errorOf(plain)).code).toBe("https_required");

    const local = await callWorker(acmeRequest(uniqueId(), { url: "http://localhost:8787/hooks/acme" }), bound);
    expect(local.status).toBe(202);
  });

  it("answers every unknown source with the same 404 body", async () => {
    const { env: bound } = bindings();
    const bodies = [];
    for (const name of ["nope", "acme-typo"]) {
      const response = await callWorker(new Request(`https://gw.example/hooks/${name}`, { method: "POST", body: "{}" }), bound);
      expect(response.status).toBe(404);
      const { error } = await response.json<{ error: unknown }>();
      bodies.push(error);
    }
    expect(bodies[0]).toEqual({ code: "not_found", message: "no such source" });
    expect(bodies[1]).toEqual(bodies[0]);
  });

  it("answers 405 with Allow for a method the source does not take", async () => {
    const { env: bound } = bindings();
    const response = await callWorker(new Request("https://gw.example/hooks/acme", { method: "GET" }), bound);
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
  });

  it("refuses addresses outside ipAllow with 403, for IPv4, IPv6 and IPv4-mapped IPv6", async () => {
    const { env: bound } = bindings();
    const from = (ip: string) =>
      callWorker(
        new Request("https://gw.example/hooks/fenced", { method: "POST", body: JSON.stringify({ n: uniqueId() }), headers: { "cf-connecting-ip": ip } }),
        bound,
      );

    expect((await from("203.0.113.9")).status).toBe(202);
    expect((await from("2001:db8::1")).status).toBe(202);
    expect((await from("::ffff:203.0.113.10")).status).toBe(202);
    const outside = await from("198.51.100.1");
    expect(outside.status).toBe(403);
    expect((await errorOf(outside)).code).toBe("forbidden");
    expect((await callWorker(new Request("https://gw.example/hooks/fenced", { method: "POST", body: "{}" }), bound)).status).toBe(403);
  });

  it("answers 413 for a declared body over maxBodyBytes", async () => {
    const { env: bound } = bindings();
    const response = await callWorker(
      new Request("https://gw.example/hooks/small", { method: "POST", body: "x".repeat(65), headers: { "content-length": "65" } }),
      bound,
    );
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("answers 413 for a streamed body that grows past maxBodyBytes, dropping the rest rather than leaving it unread", async () => {
    const { env: bound } = bindings();
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) return controller.close();
        controller.enqueue(new Uint8Array(32).fill(65));
      },
    });
    const response = await callWorker(new Request("https://gw.example/hooks/small", { method: "POST", body: stream }), bound);
    expect(response.status).toBe(413);
    // Read to its end and dropped (issue 19, finding 12; the bound is DRAIN_LIMIT_BYTES, test/ingest/body.test.ts).
    expect(pulled).toBe(1001);
  });

  it("answers 401 with a Basic challenge for a wrong password, and 401 for none at all", async () => {
    const { env: bound } = bindings();
    const wrong = await callWorker(acmeRequest(uniqueId(), { headers: { authorization: basic("acme", "guess") } }), bound);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="hookgate"/);
    expect(await errorOf(wrong)).toEqual({ code: "unauthorized", message: "authentication failed" });

    const none = await callWorker(new Request("https://gw.example/hooks/acme", { method: "POST", body: "{}" }), bound);
    expect(none.status).toBe(401);
  });

  it("quarantines an unreadable body whole, without its credentials, and answers 202", async () => {
    const { env: bound, recorder } = bindings();
    const response = await callWorker(acmeRequest("", { body: "{not json", headers: { "x-trace": "t-1" } }), bound);

    expect(response.status).toBe(202);
    const answer = await response.json<{ status: string; id: string }>();
    expect(answer.status).toBe("quarantined");
    expect(recorder.sent).toHaveLength(0);

    const record = await env.STATE.get<{ kind: string; source: string; reason: string; request: { bodyBase64: string; headers: Record<string, string> } }>(
      `dl:${answer.id}`,
      "json",
    );
    expect(record).toMatchObject({ kind: "quarantine", source: "acme" });
    expect(atob(record!.request.bodyBase64)).toBe("{not json");
    expect(record!.request.headers["x-trace"]).toBe("t-1");
    expect(record!.request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain(btoa(`acme:${PASSWORD}`));
  });

  it("quarantines a request whose adapter throws, instead of answering 500", async () => {
    const { adapters } = await import("../../src/adapters");
    const original = adapters.generic.adapt;
    adapters.generic.adapt = async () => {
      throw new TypeError("unforeseen payload");
    };
    try {
      const { env: bound, recorder } = bindings();
      const response = await callWorker(acmeRequest(uniqueId()), bound);
      expect(response.status).toBe(202);
      const { status, id } = await response.json<{ status: string; id: string }>();
      expect(status).toBe("quarantined");
      expect(recorder.sent).toHaveLength(0);
      const record = await env.STATE.get<{ reason: string; lastError: string }>(`dl:${id}`, "json");
      expect(record?.reason).toBe("invalid_payload");
      expect(record?.lastError).toBe("the adapter failed on this request (TypeError)");
    } finally {
      adapters.generic.adapt = original;
    }
  });

  it("keeps a query credential out of the envelope, and query keys like constructor as plain data", async () => {
    const { env: bound, recorder } = bindings();
    const n = uniqueId();
    const response = await callWorker(
      new Request(`https://gw.example/hooks/keyed?key=query-secret-123&n=${n}&constructor=c&__proto__=p`, { method: "GET" }),
      bound,
    );
    expect(response.status).toBe(202);
    const data = recorder.sent[0]!.envelope!.data as Record<string, unknown>;
    expect(JSON.stringify(recorder.sent)).not.toContain("query-secret-123");
    expect(data.n).toBe(n);
    expect(data.constructor).toBe("c");
    expect(Object.keys(data)).toContain("__proto__");
  });

  it("keeps two quarantined notifications apart when only the header their id comes from differs", async () => {
    const { env: bound } = bindings();
    const body = JSON.stringify({ no: "type here" });
    const ids = [];
    for (const eventId of ["evt-one", "evt-two"]) {
      const response = await callWorker(new Request("https://gw.example/hooks/byheader", { method: "POST", body, headers: { "x-event-id": eventId } }), bound);
      ids.push((await response.json<{ status: string; id: string }>()).id);
    }
    expect(ids[0]).not.toBe(ids[1]);
    for (const id of ids) expect(await env.STATE.get(`dl:${id}`)).not.toBeNull();
  });

  it("answers 400 invalid_payload for an unreadable body when the source says reject", async () => {
    const { env: bound } = bindings();
    const response = await callWorker(
      new Request("https://gw.example/hooks/strict", { method: "POST", body: "{not json", headers: { authorization: "Bearer strict-token" } }),
      bound,
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_payload");
  });

  it("keeps an envelope that matches no route in the ledger alone: state unrouted, no KV dead letter", async () => {
    const { env: bound, recorder } = bindings();
    const marker = uniqueId();
    const response = await callWorker(new Request("https://gw.example/hooks/lonely", { method: "POST", body: JSON.stringify({ x: marker }) }), bound);
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    expect(recorder.sent).toHaveLength(0);
    const listed = await env.STATE.list({ prefix: "dl:u" });
    expect(listed.keys.map((k) => (k.metadata as { envelopeId?: string }).envelopeId)).not.toContain(ids[0]);
    const { getEvent } = await import("../../src/ledger/queries");
    const { parseConfig } = await import("../../src/config/load");
    const parsed = parseConfig(bound.GATEWAY_CONFIG, (name) => (bound as Record<string, unknown>)[name] as string | undefined, { localDev: true });
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    expect(await getEvent({ ...env, ...bound } as never, parsed.config, ids[0]!)).toMatchObject({ state: "unrouted", event: { id: ids[0] } });
  });

  it("stores an envelope too large for a queue message aside and enqueues a reference", async () => {
    const { env: bound, recorder } = bindings();
    const id = uniqueId();
    const payload = JSON.stringify({ id, blob: "é".repeat(300_000) });
    const response = await callWorker(new Request("https://gw.example/hooks/big", { method: "POST", body: payload }), bound);

    expect(response.status).toBe(202);
    const message = recorder.sent.find((m) => m.routeId === "audit")!;
    expect(message.envelope).toBeUndefined();
    expect(message.envelopeKey).toBe(`envelope:big:${id}`);
    const stored = await env.STATE.get<{ data: unknown }>(message.envelopeKey!, "json");
    expect(stored!.data).toEqual(JSON.parse(payload));
    // Kept as long as a retry (Queues' 14 days) and its dead letter (14 days by default) can need it, or
    // the event log's 30 days, and a day: 31 days, not 400.
    const [key] = (await env.STATE.list({ prefix: message.envelopeKey! })).keys;
    const days = ((key?.expiration ?? 0) - Date.now() / 1000) / 86_400;
    expect(days).toBeGreaterThan(30.9);
    expect(days).toBeLessThanOrEqual(31);
  });

  it("verifies a Standard Webhooks signature over the raw bytes before reading the payload", async () => {
    const { env: bound, recorder } = bindings();
    const id = `msg_${uniqueId()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"type":"invoice.paid",  "data": {"n": 1}}';
    const signature = await standardWebhooksSignature(WHSEC, id, timestamp, body);
    const headers = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };

    const response = await callWorker(new Request("https://gw.example/hooks/stdwh", { method: "POST", body, headers }), bound);
    expect(response.status).toBe(202);
    expect(recorder.sent[0]!.envelope).toMatchObject({ id: `stdwh:${id}`, type: "invoice.paid" });

    const tampered = await callWorker(new Request("https://gw.example/hooks/stdwh", { method: "POST", body: body.replace("1", "2"), headers }), bound);
    expect(tampered.status).toBe(401);
  });

  it("puts X-Request-Id on every answer, errors included", async () => {
    const { env: bound } = bindings();
    for (const request of [
      new Request("https://gw.example/healthz"),
      new Request("https://gw.example/hooks/nope", { method: "POST" }),
      acmeRequest(uniqueId()),
    ]) {
      const response = await callWorker(request, bound);
      expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe("the request log", () => {
  it("writes one JSON line per request (LOG_SUCCESS=all) with source, outcome, status, ids and duration", async () => {
    const { env: bound } = bindings({ LOG_SUCCESS: "all" });
    const id = uniqueId();
    const { lines } = await captureLogs(() => callWorker(acmeRequest(id), bound));
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => "requestId" in l);
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({ source: "acme", outcome: "accepted", status: 202, ids: [`acme:${id}`] });
    expect(typeof requestLines[0].durationMs).toBe("number");
  });

  it("never writes the password, the Authorization header or the body of a request that failed auth", async () => {
    const { env: bound } = bindings();
    const secretBody = JSON.stringify({ id: "x", card: "4111111111111111" });
    const authorization = basic("acme", "not-the-password-but-still-secret");
    const { lines, result } = await captureLogs(() =>
      callWorker(new Request("https://gw.example/hooks/acme", { method: "POST", body: secretBody, headers: { authorization } }), bound),
    );
    expect(result.status).toBe(401);
    const logged = lines.join("\n");
    expect(logged).toContain('"outcome":"unauthorized"');
    expect(logged).not.toContain("not-the-password-but-still-secret");
    expect(logged).not.toContain(authorization.slice(6));
    expect(logged).not.toContain("4111111111111111");
    expect(logged).not.toContain(PASSWORD);
  });
});

describe("a bad config", () => {
  it("answers 500 bad_config on every request, naming the path and the missing secret but never a value", async () => {
    const { env: bound } = bindings({ ACME_PASSWORD: undefined, OTHER: "visible-secret-value" });
    for (const path of ["/healthz", "/hooks/acme"]) {
      const response = await callWorker(new Request(`https://gw.example${path}`, { method: "POST" }), bound);
      expect(response.status).toBe(500);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("bad_config");
      expect(error.message).toContain("sources.acme.auth[0].password: secret ACME_PASSWORD is not set");
    }
  });

  it("answers 500 bad_config for a rule its scheme cannot use, naming the source", async () => {
    const unusable = {
      sources: {
        jwt: { provider: "generic", auth: [{ type: "jwt", alg: "RS256", publicKeyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }] },
      },
    };
    const response = await callWorker(new Request("https://gw.example/hooks/jwt", { method: "POST", body: "{}" }), { GATEWAY_CONFIG: unusable });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe("bad_config");
    expect(error.message).toMatch(/^sources\.jwt: /);
  });

  it("answers 500 bad_config, which a provider retries, when a JWT key does not fit its algorithm", async () => {
    const ec = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const spki = new Uint8Array((await crypto.subtle.exportKey("spki", ec.publicKey)) as ArrayBuffer);
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----`;
    const jwtConfig = { sources: { jwt: { provider: "generic", auth: [{ type: "jwt", alg: "RS256", publicKeyPem: pem }] } } };
    const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const token = `${part({ alg: "RS256", typ: "JWT" })}.${part({ sub: "x" })}.c2ln`;
    const response = await callWorker(
      new Request("https://gw.example/hooks/jwt", { method: "POST", body: "{}", headers: { authorization: `Bearer ${token}` } }),
      { GATEWAY_CONFIG: jwtConfig },
    );
    expect(response.status).toBe(500);
    expect(await errorOf(response)).toMatchObject({ code: "bad_config", message: "sources.jwt: jwt rule: publicKeyPem cannot be used as a RS256 key" });
  });

  it("names a schema problem by its JSON path", async () => {
    const broken = { ...config, routes: [{ id: "Bad Id", events: ["*"], url: "http://example.com" }] };
    const response = await callWorker(new Request("https://gw.example/healthz"), { GATEWAY_CONFIG: broken, ACME_PASSWORD: PASSWORD });
    const { error } = await response.json<{ error: { message: string } }>();
    expect(error.message).toContain("routes[0].id:");
    expect(error.message).toContain("routes[0].url: must be an https URL");
  });
});
