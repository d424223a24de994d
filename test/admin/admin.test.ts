import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDeadLetter, putDeadLetter } from "../../src/deadletters/store";
import { writeStoredRoutes } from "../../src/routing/store";
import { EC_CERT_PEM, EC_FINGERPRINT, pemBody } from "../certificates/fixtures";
import { callWorker, errorOf, recordingQueue, uniqueId, verifiedClientCertificate } from "../helpers";

const ADMIN_TOKEN = "admin-token-for-tests-5b1e9f0c2d7a";

const config = {
  sources: {
    acme: { provider: "generic", idPath: "body.event.id", eventType: "acme.event", auth: [{ type: "none" }] },
    pix: { provider: "pix", mtls: { fingerprintsSha256: ["ab".repeat(32)] }, auth: [{ type: "none" }] },
    plain: { provider: "generic", eventType: "plain.event", auth: [{ type: "none" }] },
  },
  routes: [{ id: "ledger", events: ["acme.*"], url: "https://ledger.internal.example/hooks", auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }],
};

function setup(overrides: Record<string, unknown> = {}) {
  const recorder = recordingQueue();
  const bound = { GATEWAY_CONFIG: JSON.stringify(config), LEDGER_TOKEN: "ledger-secret", ADMIN_TOKEN, DELIVERIES: recorder.queue, ...overrides };
  const admin = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) =>
    callWorker(
      new Request(`https://gw.example${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
      bound,
    );
  return { admin, recorder, bound };
}

/** The admin API keeps added routes in one KV document; each test starts from none. */
async function clearAddedRoutes() {
  // Through the store, as the gateway writes: an isolate's cached copy of the added routes goes too.
  await writeStoredRoutes(env.STATE, []);
}

describe("the admin API's door", () => {
  it("is not there (404) without ADMIN_TOKEN", async () => {
    const { admin } = setup({ ADMIN_TOKEN: undefined });
    const response = await admin("GET", "/admin/routes");
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe("not_found");
  });

  it("answers 401 with a Bearer challenge for a wrong or missing token", async () => {
    const { admin } = setup();
    for (const token of [ADMIN_TOKEN.slice(0, -1), "", `${ADMIN_TOKEN}-and-more`]) {
      const response = await admin("GET", "/admin/routes", undefined, token);
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toContain("Bearer");
    }
  });
});

describe("an ADMIN_TOKEN too weak to guard the admin API", () => {
  it.each([
    ["shorter than 32 characters", "a-31-character-admin-token-0001", "ADMIN_TOKEN is shorter than 32 characters"],
    ["the example file's", "change-me-to-a-long-random-string", "ADMIN_TOKEN is the example file's placeholder"],
  ])("turns the admin API and console off (503 admin_disabled) when it is %s, saying why", async (_, token, why) => {
    const { admin } = setup({ ADMIN_TOKEN: token });
    for (const path of ["/admin/routes", "/admin/console", "/admin/console/views/sources"]) {
      const response = await admin("GET", path, undefined, token);
      expect(response.status).toBe(503);
      const error = await errorOf(response);
      expect(error.code).toBe("admin_disabled");
      expect(error.message).toMatch(new RegExp(`^${why}`));
      expect(error.message).not.toContain(token);
    }
  });

  it("is taken at 32 characters", async () => {
    const token = "a-32-character-admin-token-00001";
    expect(token).toHaveLength(32);
    const { admin } = setup({ ADMIN_TOKEN: token });
    expect((await admin("GET", "/admin/routes", undefined, token)).status).toBe(200);
  });
});

describe("routes", () => {
  it("adds a route with an id and never shows its secret back", async () => {
    await clearAddedRoutes();
    const { admin } = setup();
    const response = await admin("POST", "/admin/routes", {
      url: "https://erp.internal.example/pix",
      event: "pix.*",
      auth: { type: "basic", username: "erp", password: "erp-password-123" },
      signingSecret: "whsec_ZGVtby1zaW5rLXNpZ25pbmctc2VjcmV0LWtleQ==",
    });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain("erp-password-123");
    expect(text).not.toContain("ZGVtby1zaW5r");
    const route = JSON.parse(text);
    expect(route).toMatchObject({
      id: expect.stringMatching(/^r-[0-9a-f]{12}$/),
      origin: "admin",
      readOnly: false,
      events: ["pix.*"],
      method: "POST",
      auth: { type: "basic", username: "erp", password: "********" },
      signingSecret: "********",
    });
  });

  it("lists config routes as read-only beside added ones, masking secrets of both", async () => {
    await clearAddedRoutes();
    const { admin } = setup({ ROUTE_A_TOKEN: "route-a-secret" });
    await admin("POST", "/admin/routes", { url: "https://a.example/h", event: "*", auth: { type: "bearer", token: { secret: "ROUTE_A_TOKEN" } } });
    const response = await admin("GET", "/admin/routes");
    const text = await response.text();
    expect(text).not.toContain("ledger-secret");
    expect(text).not.toContain("route-a-secret");
    const { routes } = JSON.parse(text);
    expect(routes).toHaveLength(2);
    expect(routes[0]).toMatchObject({ id: "ledger", origin: "config", readOnly: true, auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } });
    expect(routes[1]).toMatchObject({ origin: "admin", auth: { type: "bearer", token: { secret: "ROUTE_A_TOKEN" } } });
  });

  it("shows a config route's secret reference as the reference and a literal secret as ********, never a value", async () => {
    await clearAddedRoutes();
    const routes = [
      { ...config.routes[0], signingSecret: { secret: "LEDGER_WHSEC" } },
      {
        id: "erp",
        events: ["*"],
        url: "https://erp.example/h",
        auth: { type: "basic", username: "erp", password: "literal-password" },
        signingSecret: "whsec_bGl0ZXJhbC1zaWduaW5nLWtleQ==",
      },
    ];
    const { admin } = setup({ GATEWAY_CONFIG: JSON.stringify({ ...config, routes }), LEDGER_WHSEC: "whsec_bGVkZ2VyLXNpZ25pbmcta2V5" });
    const listed = await (await admin("GET", "/admin/routes")).text();
    const one = await (await admin("GET", "/admin/routes/ledger")).text();
    const other = await (await admin("GET", "/admin/routes/erp")).text();
    for (const text of [listed, one, other]) {
      for (const value of ["ledger-secret", "whsec_bGVkZ2VyLXNpZ25pbmcta2V5", "literal-password", "whsec_bGl0ZXJhbC1zaWduaW5nLWtleQ=="])
        expect(text).not.toContain(value);
    }
    const reference = { auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } }, signingSecret: { secret: "LEDGER_WHSEC" } };
    expect(JSON.parse(listed).routes[0]).toMatchObject(reference);
    expect(JSON.parse(one)).toMatchObject(reference);
    expect(JSON.parse(other)).toMatchObject({ auth: { type: "basic", username: "erp", password: "********" }, signingSecret: "********" });
  });

  it("updates and deletes an added route", async () => {
    await clearAddedRoutes();
    const { admin } = setup();
    const created = await (await admin("POST", "/admin/routes", { url: "https://a.example/h", event: "acme.*", auth: { type: "none" } })).json<{
      id: string;
    }>();

    const updated = await admin("PUT", `/admin/routes/${created.id}`, { url: "https://b.example/h", auth: { type: "none" }, method: "PUT" });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ id: created.id, url: "https://b.example/h", method: "PUT", events: ["acme.*"] });

    expect((await admin("DELETE", `/admin/routes/${created.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/admin/routes/${created.id}`)).status).toBe(404);
  });

  it("masks credentials in a route's URL: userinfo and query values", async () => {
    await clearAddedRoutes();
    const { admin } = setup();
    const created = await (
      await admin("POST", "/admin/routes", { url: "https://erp:pw-in-url@erp.example/h?token=tok-in-url&v=1", event: "*", auth: { type: "none" } })
    ).text();
    expect(created).not.toContain("pw-in-url");
    expect(created).not.toContain("tok-in-url");
    expect(JSON.parse(created).url).toBe("https://********@erp.example/h?token=********&v=********");
  });

  it("refuses to change or delete a config route with 409 saying why", async () => {
    const { admin } = setup();
    for (const call of [admin("PUT", "/admin/routes/ledger", { url: "https://x.example", auth: { type: "none" } }), admin("DELETE", "/admin/routes/ledger")]) {
      const response = await call;
      expect(response.status).toBe(409);
      expect((await errorOf(response)).message).toContain("read-only");
    }
  });

  it("answers 400 naming the field for a bad body", async () => {
    const { admin } = setup();
    const cases: [unknown, string][] = [
      [{ url: "http://erp.example", event: "*", auth: { type: "none" } }, "url: must be an https URL"],
      [{ url: "https://erp.example", auth: { type: "none" } }, "event:"],
      [{ url: "https://erp.example", event: "*", auth: { type: "oauth" } }, "auth.type"],
      [{ url: "https://erp.example", event: "*", auth: { type: "none" }, sources: ["nope"] }, 'sources: no source named "nope"'],
      [{ url: "https://erp.example", event: "*", auth: { type: "bearer", token: { secret: "ROUTE_MISSING" } } }, "secret ROUTE_MISSING is not set"],
      [{ url: "https://evil.example", event: "*", auth: { type: "bearer", token: { secret: "ADMIN_TOKEN" } } }, "may only name secrets called ROUTE_*"],
      [{ url: "https://evil.example", event: "*", auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }, "may only name secrets called ROUTE_*"],
      ["{not json", "the body must be JSON"],
    ];
    for (const [body, expected] of cases) {
      const response = await admin("POST", "/admin/routes", body);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toContain(expected);
    }
  });

  it("still queues for an added route whose secret went missing, so the consumer keeps what it cannot deliver", async () => {
    await clearAddedRoutes();
    const { admin, recorder } = setup({ ROUTE_PLAIN_TOKEN: "t0ken" });
    const { id } = await (
      await admin("POST", "/admin/routes", {
        url: "https://plain.example/h",
        event: "plain.*",
        auth: { type: "bearer", token: { secret: "ROUTE_PLAIN_TOKEN" } },
      })
    ).json<{ id: string }>();

    // The wrangler secret is deleted later; the route is unusable until it is back.
    const withoutSecret = { GATEWAY_CONFIG: JSON.stringify(config), LEDGER_TOKEN: "ledger-secret", DELIVERIES: recorder.queue };
    const response = await callWorker(
      new Request("https://gw.example/hooks/plain", { method: "POST", body: JSON.stringify({ n: uniqueId() }) }),
      withoutSecret,
    );
    expect(response.status).toBe(202);
    expect(recorder.sent.map((m) => m.routeId)).toEqual([id]);
  });

  it("delivers the next notification to a route added at run time", async () => {
    await clearAddedRoutes();
    const { admin, bound, recorder } = setup();
    const { id } = await (await admin("POST", "/admin/routes", { url: "https://plain.example/h", event: "plain.*", auth: { type: "none" } })).json<{
      id: string;
    }>();
    const response = await callWorker(new Request("https://gw.example/hooks/plain", { method: "POST", body: JSON.stringify({ n: uniqueId() }) }), bound);
    expect(response.status).toBe(202);
    expect(recorder.sent.map((m) => m.routeId)).toEqual([id]);
  });
});

describe("added route targets", () => {
  it("refuse loopback outside local development and non-public addresses always", async () => {
    const production = setup({ LOCAL_DEV: undefined });
    const local = setup();
    const add = (admin: ReturnType<typeof setup>["admin"], url: string) => admin("POST", "/admin/routes", { url, event: "acme.*", auth: { type: "none" } });
    const refused = await add(production.admin, "http://127.0.0.1:9/hooks");
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toMatch(/^url: loopback targets .* only in local development/);
    const created = await add(local.admin, "http://127.0.0.1:9/hooks");
    expect(created.status).toBe(201);
    expect((await local.admin("DELETE", `/admin/routes/${(await created.json<{ id: string }>()).id}`)).status).toBe(204);
    expect((await add(local.admin, "https://169.254.169.254/")).status).toBe(400);
  });
});

describe("client certificates", () => {
  const pixCall = (bound: Record<string, unknown>, fingerprint: string) =>
    callWorker(
      new Request("https://gw.example/hooks/pix/pix", {
        method: "POST",
        body: JSON.stringify({ pix: [{ endToEndId: `E${uniqueId()}`, valor: "1.00", horario: "2024-09-05T10:00:00Z" }] }),
        cf: { tlsClientAuth: verifiedClientCertificate(fingerprint) },
      } as RequestInit),
      bound,
    );

  it("pins an uploaded certificate's fingerprint for its source, effective for the next request", async () => {
    const { admin, bound } = setup();
    expect((await pixCall(bound, EC_FINGERPRINT)).status).toBe(403);

    const upload = await admin("POST", "/admin/sources/pix/certificates", { certificate: EC_CERT_PEM });
    expect(upload.status).toBe(204);
    expect(upload.headers.get("hookgate-warning")).toBeNull(); // the config pins a fingerprint
    expect((await pixCall(bound, EC_FINGERPRINT.toUpperCase())).status).toBe(202);
    expect((await pixCall(bound, "00".repeat(32))).status).toBe(403);
  });

  it("refuses every client while the uploaded pins cannot be read, rather than taking any certificate", async () => {
    const { bound } = setup({
      GATEWAY_CONFIG: JSON.stringify({ ...config, sources: { ...config.sources, locked: { provider: "pix", mtls: {}, auth: [{ type: "none" }] } } }),
    });
    await env.STATE.put("pins:locked", '{"not":"a list"}');
    const response = await callWorker(
      new Request("https://gw.example/hooks/locked/pix", {
        method: "POST",
        body: JSON.stringify({ pix: [{ endToEndId: `E${uniqueId()}` }] }),
        cf: { tlsClientAuth: verifiedClientCertificate(EC_FINGERPRINT) },
      } as RequestInit),
      bound,
    );
    expect(response.status).toBe(500);
  });

  it("warns when the source's config mtls pins nothing at all", async () => {
    const { admin } = setup({
      GATEWAY_CONFIG: JSON.stringify({ ...config, sources: { ...config.sources, open: { provider: "pix", mtls: {}, auth: [{ type: "none" }] } } }),
    });
    const upload = await admin("POST", "/admin/sources/open/certificates", { certificate: EC_CERT_PEM });
    expect(upload.status).toBe(204);
    expect(upload.headers.get("hookgate-warning")).toBe("source open: the config's mtls pins nothing; only uploaded fingerprints protect it");
  });

  it("takes base64 DER too, and answers 400 for something that is not a certificate", async () => {
    const { admin } = setup();
    expect((await admin("POST", "/admin/sources/pix/certificates", { certificate: pemBody(EC_CERT_PEM) })).status).toBe(204);
    const garbage = await admin("POST", "/admin/sources/pix/certificates", { certificate: btoa("definitely not DER") });
    expect(garbage.status).toBe(400);
    expect((await errorOf(garbage)).message).toMatch(/^certificate: /);
  });

  it("refuses a pin for a source without mtls (409) and for an unknown source (404)", async () => {
    const { admin } = setup();
    expect((await admin("POST", "/admin/sources/plain/certificates", { certificate: EC_CERT_PEM })).status).toBe(409);
    expect((await admin("POST", "/admin/sources/nope/certificates", { certificate: EC_CERT_PEM })).status).toBe(404);
  });
});

describe("dead letters", () => {
  it("lists them filtered by source, with a cursor for the next page", async () => {
    const { admin } = setup();
    const now = new Date().toISOString();
    const source = `src-${uniqueId()}`.toLowerCase().slice(0, 40);
    for (let i = 0; i < 3; i++) {
      await putDeadLetter(
        env.STATE,
        {
          id: `dtest${i}${source.replace(/[^a-z0-9]/g, "")}`.slice(0, 60),
          kind: "delivery",
          source,
          routeId: "ledger",
          reason: "attempts_exhausted",
          createdAt: now,
          state: "dead",
          attempts: [],
        },
        14,
      );
    }
    const all = await (await admin("GET", `/admin/dead-letters?source=${source}`)).json<{ deadLetters: { source: string }[] }>();
    expect(all.deadLetters).toHaveLength(3);
    expect(all.deadLetters.every((d) => d.source === source)).toBe(true);

    const first = await (await admin("GET", "/admin/dead-letters?limit=1")).json<{ deadLetters: unknown[]; cursor?: string }>();
    expect(first.deadLetters).toHaveLength(1);
    expect(first.cursor).toBeTypeOf("string");
    const next = await (await admin("GET", `/admin/dead-letters?limit=1&cursor=${encodeURIComponent(first.cursor!)}`)).json<{ deadLetters: unknown[] }>();
    expect(next.deadLetters).toHaveLength(1);
    expect(next.deadLetters[0]).not.toEqual(first.deadLetters[0]);

    expect((await admin("GET", "/admin/dead-letters?limit=0")).status).toBe(400);
  });

  it("replays a quarantined request through the current config, once", async () => {
    const { bound, recorder } = setup();
    const eventId = uniqueId();
    const quarantined = await callWorker(new Request("https://gw.example/hooks/acme", { method: "POST", body: JSON.stringify({ id: eventId }) }), bound);
    const { id } = await quarantined.json<{ status: string; id: string }>();

    // The operator fixes the config (the id is at body.id, not body.event.id) and replays.
    const fixed = { ...config, sources: { ...config.sources, acme: { ...config.sources.acme, idPath: "body.id" } } };
    const { admin } = setup({ GATEWAY_CONFIG: JSON.stringify(fixed), DELIVERIES: recorder.queue });
    const replay = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ status: "replaying", id, ids: [`acme:${eventId}`] });
    expect(recorder.sent.map((m) => [m.routeId, m.envelope?.id])).toEqual([["ledger", `acme:${eventId}`]]);

    expect((await admin("POST", `/admin/dead-letters/${id}/replay`)).status).toBe(404);
    expect(recorder.sent).toHaveLength(1);
  });

  it("replays a failed delivery to its route and refuses a second replay while it is under way", async () => {
    const { admin, recorder } = setup();
    const envelope = {
      specversion: "1.0" as const,
      id: `acme:${uniqueId()}`,
      source: "/hooks/acme",
      type: "acme.event",
      time: "2024-01-01T00:00:00Z",
      datacontenttype: "application/json",
      data: {},
      receivedat: "2024-01-01T00:00:00Z",
    };
    const id = `dreplay${uniqueId().replace(/[^a-z0-9]/g, "")}`.slice(0, 60);
    await putDeadLetter(
      env.STATE,
      { id, kind: "delivery", source: "acme", routeId: "ledger", reason: "rejected", createdAt: envelope.time, state: "dead", attempts: [], envelope },
      14,
    );

    const first = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(first.status).toBe(202);
    expect(recorder.sent).toEqual([expect.objectContaining({ routeId: "ledger", replayOf: id, envelope })]);

    const second = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(second.status).toBe(409);
    expect(recorder.sent).toHaveLength(1);
  });

  it("lets a replay that has been under way for more than a day be replayed again", async () => {
    const { admin, recorder } = setup();
    const envelope = {
      specversion: "1.0" as const,
      id: `acme:${uniqueId()}`,
      source: "/hooks/acme",
      type: "acme.event",
      time: "2024-01-01T00:00:00Z",
      datacontenttype: "application/json",
      data: {},
      receivedat: "2024-01-01T00:00:00Z",
    };
    const stale = `dstale${uniqueId().replace(/[^a-z0-9]/g, "")}`.slice(0, 60);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await putDeadLetter(
      env.STATE,
      {
        id: stale,
        kind: "delivery",
        source: "acme",
        routeId: "ledger",
        reason: "rejected",
        createdAt: twoDaysAgo,
        state: "replaying",
        replayedAt: twoDaysAgo,
        attempts: [],
        envelope,
      },
      14,
    );
    expect((await admin("POST", `/admin/dead-letters/${stale}/replay`)).status).toBe(202);
    expect(recorder.sent).toHaveLength(1);
  });

  it("puts the record back when the replay cannot be queued, so a later replay works", async () => {
    const failing = recordingQueue({ fail: true });
    const { admin: failingAdmin } = setup({ DELIVERIES: failing.queue });
    const envelope = {
      specversion: "1.0" as const,
      id: `acme:${uniqueId()}`,
      source: "/hooks/acme",
      type: "acme.event",
      time: "2024-01-01T00:00:00Z",
      datacontenttype: "application/json",
      data: {},
      receivedat: "2024-01-01T00:00:00Z",
    };
    const id = `dretry${uniqueId().replace(/[^a-z0-9]/g, "")}`.slice(0, 60);
    await putDeadLetter(
      env.STATE,
      { id, kind: "delivery", source: "acme", routeId: "ledger", reason: "rejected", createdAt: envelope.time, state: "dead", attempts: [], envelope },
      14,
    );

    const refused = await failingAdmin("POST", `/admin/dead-letters/${id}/replay`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("Retry-After")).toBe("5");
    expect((await getDeadLetter(env.STATE, id))?.state).toBe("dead");

    const { admin, recorder } = setup();
    expect((await admin("POST", `/admin/dead-letters/${id}/replay`)).status).toBe(202);
    expect(recorder.sent).toHaveLength(1);
  });

  it("refuses to replay a dead letter that holds no envelope", async () => {
    const { admin, recorder } = setup();
    const id = `xnoenv${uniqueId().replace(/[^a-z0-9]/g, "")}`.slice(0, 60);
    await putDeadLetter(
      env.STATE,
      {
        id,
        kind: "delivery",
        source: "acme",
        routeId: "ledger",
        reason: "unreadable_message",
        createdAt: new Date().toISOString(),
        state: "dead",
        attempts: [],
        lastError: '{"garbage":true}',
      },
      14,
    );
    const response = await admin("POST", `/admin/dead-letters/${id}/replay`);
    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toContain("no envelope");
    expect(recorder.sent).toHaveLength(0);
  });

  it("replays an unrouted envelope to a route added since", async () => {
    await clearAddedRoutes();
    const { admin, bound, recorder } = setup();
    await callWorker(new Request("https://gw.example/hooks/plain", { method: "POST", body: JSON.stringify({ n: uniqueId() }) }), bound);
    // Kept in the ledger (state unrouted) and listed from there, under its envelope id.
    const listed = await (await admin("GET", "/admin/dead-letters?source=plain&kind=unrouted")).json<{ deadLetters: { id: string; kind: string }[] }>();
    const unrouted = listed.deadLetters.find((d) => d.kind === "unrouted")!;
    expect(unrouted.id).toMatch(/^plain:/);
    expect((await admin("POST", `/admin/dead-letters/${encodeURIComponent(unrouted.id)}/replay`)).status).toBe(409);

    const { id: routeId } = await (await admin("POST", "/admin/routes", { url: "https://plain.example/h", event: "plain.*", auth: { type: "none" } })).json<{
      id: string;
    }>();
    const replay = await admin("POST", `/admin/dead-letters/${encodeURIComponent(unrouted.id)}/replay`);
    expect(replay.status).toBe(202);
    expect(recorder.sent.at(-1)).toMatchObject({ routeId });
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 generated from the schemas that validate the requests", async () => {
    const { admin } = setup();
    const doc = await (await admin("GET", "/admin/openapi.json")).json<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> } }>
      >;
    }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/admin/routes",
        "/admin/routes/{id}",
        "/admin/sources/{source}/certificates",
        "/admin/dead-letters",
        "/admin/dead-letters/{id}/replay",
      ]),
    );
    const create = doc.paths["/admin/routes"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(create.required).toEqual(expect.arrayContaining(["url", "event", "auth"]));
    expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(["method", "sources", "signingSecret"]));
  });
});
