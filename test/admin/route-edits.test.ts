import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { writeStoredRoutes } from "../../src/routing/store";
import { callWorker, errorOf, uniqueId } from "../helpers";
import { adminClient } from "./client";

type Route = {
  id: string;
  updatedAt?: string;
  url: string;
  events: string[];
  method: string;
  auth: Record<string, unknown>;
  signingSecret?: unknown;
  timeoutMs: number;
};

beforeEach(async () => {
  // Through the store, as the gateway writes: an isolate's cached copy of the added routes goes too.
  await writeStoredRoutes(env.STATE, []);
});

describe("PUT /admin/routes/{id}, a partial update", () => {
  const full = {
    url: "https://erp.internal.example/pix",
    event: "acme.*",
    method: "PUT",
    auth: { type: "basic", username: "erp", password: "erp-password-123" },
    signingSecret: "whsec_ZGVtby1zaW5rLXNpZ25pbmctc2VjcmV0LWtleQ==",
    timeoutMs: 4000,
  };

  it("changes the url alone, on the same origin, and keeps every field it does not name", async () => {
    const { admin, bound, recorder } = adminClient();
    const created = await (await admin("POST", "/admin/routes", full)).json<Route>();

    const response = await admin("PUT", `/admin/routes/${created.id}`, { url: "https://erp.internal.example/pix/v2" });
    expect(response.status).toBe(200);
    const updated = await response.json<Route>();
    expect(updated).toMatchObject({
      id: created.id,
      url: "https://erp.internal.example/pix/v2",
      events: ["acme.*"],
      method: "PUT",
      auth: { type: "basic", username: "erp", password: "********" },
      signingSecret: "********",
      timeoutMs: 4000,
    });
    expect(updated.updatedAt).not.toBe(undefined);

    // The stored route still holds the secrets it was given, so deliveries carry them.
    const listed = await (await admin("GET", "/admin/routes")).json<{ routes: Route[] }>();
    expect(listed.routes.find((r) => r.id === created.id)).toEqual(updated);
    const stored = JSON.parse((await env.STATE.get("routes")) ?? "[]") as { id: string; route: Record<string, unknown> }[];
    expect(stored.find((r) => r.id === created.id)?.route).toMatchObject({
      auth: full.auth,
      signingSecret: full.signingSecret,
      url: "https://erp.internal.example/pix/v2",
    });

    const notification = await callWorker(new Request("https://gw.example/hooks/acme", { method: "POST", body: JSON.stringify({ n: uniqueId() }) }), bound);
    expect(notification.status).toBe(202);
    expect(recorder.sent.map((m) => m.routeId)).toContain(created.id);
  });

  it("refuses to move a route's credentials and signing secret to another origin unless the request names new ones", async () => {
    const { admin } = adminClient();
    const created = await (await admin("POST", "/admin/routes", full)).json<Route>();
    for (const url of ["https://attacker.example/pix", "https://erp.internal.example:8443/pix", "https://ERP.internal.example.evil/pix"]) {
      const moved = await admin("PUT", `/admin/routes/${created.id}`, { url });
      expect(moved.status).toBe(400);
      expect((await errorOf(moved)).message).toBe(
        "url: a new origin needs auth and signingSecret in the same request; the stored ones are not sent to another host",
      );
    }
    const onlyAuth = await admin("PUT", `/admin/routes/${created.id}`, { url: "https://ledger.example/pix", auth: { type: "none" } });
    expect((await errorOf(onlyAuth)).message).toMatch(/^url: a new origin needs signingSecret in the same request/);
    const stored = JSON.parse((await env.STATE.get("routes")) ?? "[]") as { id: string; route: Record<string, unknown> }[];
    expect(stored.find((r) => r.id === created.id)?.route.url).toBe(full.url);

    const both = {
      url: "https://ledger.example/pix",
      auth: { type: "bearer", token: "ledger-token-789" },
      signingSecret: "whsec_bGVkZ2VyLXNpZ25pbmctc2VjcmV0LWtleQ==",
    };
    const response = await admin("PUT", `/admin/routes/${created.id}`, both);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ url: both.url, auth: { type: "bearer", token: "********" } });
  });

  it("needs nothing more to move a route that holds no credentials", async () => {
    const { admin } = adminClient();
    const created = await (
      await admin("POST", "/admin/routes", { url: "https://erp.internal.example/h", event: "acme.*", auth: { type: "none" } })
    ).json<Route>();
    expect((await admin("PUT", `/admin/routes/${created.id}`, { url: "https://erp2.internal.example/h" })).status).toBe(200);
  });

  it("replaces auth as a whole when it is named", async () => {
    const { admin } = adminClient();
    const created = await (await admin("POST", "/admin/routes", full)).json<Route>();
    const updated = await (await admin("PUT", `/admin/routes/${created.id}`, { auth: { type: "bearer", token: "new-token-456" } })).json<Route>();
    expect(updated.auth).toEqual({ type: "bearer", token: "********" });
    expect(updated.url).toBe(full.url);
  });

  it("validates the merged route with the same rules as a new one, naming the field", async () => {
    const { admin } = adminClient();
    const created = await (await admin("POST", "/admin/routes", full)).json<Route>();
    const cases: [unknown, string][] = [
      [{ url: "http://erp.example/pix" }, "url: must be an https URL"],
      [{ sources: ["nope"] }, 'sources: no source named "nope"'],
      [{ auth: { type: "bearer", token: { secret: "ROUTE_MISSING" } } }, "secret ROUTE_MISSING is not set"],
      [{ auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }, "may only name secrets called ROUTE_*"],
      [{ id: "renamed" }, `Unrecognized key: "id"`],
      [{ colour: "blue" }, "colour"],
    ];
    for (const [body, expected] of cases) {
      const response = await admin("PUT", `/admin/routes/${created.id}`, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).message).toContain(expected);
    }
    // Nothing was written by the refused updates.
    const listed = await (await admin("GET", "/admin/routes")).json<{ routes: Route[] }>();
    expect(listed.routes.find((r) => r.id === created.id)).toMatchObject({ url: full.url, auth: { type: "basic" } });
  });

  it("keeps everything for an empty body, and still answers 404 for an unknown id", async () => {
    const { admin } = adminClient();
    const created = await (await admin("POST", "/admin/routes", full)).json<Route>();
    const same = await admin("PUT", `/admin/routes/${created.id}`, {});
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({ url: full.url, events: ["acme.*"], method: "PUT", timeoutMs: 4000 });
    expect((await admin("PUT", "/admin/routes/r-000000000000", { url: "https://x.example/h" })).status).toBe(404);
  });
});

describe("POST /admin/routes with an id", () => {
  const body = { url: "https://erp.internal.example/h", event: "acme.*", auth: { type: "none" } };

  it("takes the id it is given, and routes under it", async () => {
    const { admin, bound, recorder } = adminClient();
    const response = await admin("POST", "/admin/routes", { id: "erp-ledger", ...body });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: "erp-ledger", origin: "admin" });
    expect((await admin("PUT", "/admin/routes/erp-ledger", { url: "https://erp2.internal.example/h" })).status).toBe(200);
    await callWorker(new Request("https://gw.example/hooks/acme", { method: "POST", body: JSON.stringify({ n: uniqueId() }) }), bound);
    expect(recorder.sent.map((m) => m.routeId).sort()).toEqual(["erp-ledger", "ledger"]);
  });

  it("answers 409 when the id is a config route's or an added route's", async () => {
    const { admin } = adminClient();
    expect((await admin("POST", "/admin/routes", { id: "erp-ledger", ...body })).status).toBe(201);
    for (const id of ["erp-ledger", "ledger"]) {
      const response = await admin("POST", "/admin/routes", { id, ...body });
      expect(response.status).toBe(409);
      expect((await errorOf(response)).message).toContain(`route id ${id} is taken`);
    }
    const listed = await (await admin("GET", "/admin/routes")).json<{ routes: Route[] }>();
    expect(listed.routes.map((r) => r.id)).toEqual(["ledger", "erp-ledger"]);
  });

  it("refuses an id outside the config ids' rule, naming the field", async () => {
    const { admin } = adminClient();
    for (const id of ["Ledger", "erp_ledger", "", "a".repeat(65), "../x"]) {
      const response = await admin("POST", "/admin/routes", { id, ...body });
      expect(response.status, id).toBe(400);
      expect((await errorOf(response)).message).toMatch(/^id: /);
    }
  });

  it("still generates an id when none is given", async () => {
    const { admin } = adminClient();
    const created = await (await admin("POST", "/admin/routes", body)).json<Route>();
    expect(created.id).toMatch(/^r-[0-9a-f]{12}$/);
  });
});
