import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { basic, callWorker, errorOf, uniqueId } from "../helpers";

const ADMIN_TOKEN = "console-token-for-tests-2f8a6d4c1e";

const config = {
  sources: {
    pix: { provider: "pix", mtls: { fingerprintsSha256: ["ab".repeat(32)] }, auth: [{ type: "bearer", token: "pix-secret-token" }] },
    acme: { provider: "generic", eventType: "acme.event", auth: [{ type: "basic", username: "u", password: "acme-password" }] },
    "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "basic", username: "bs2", password: "boleto-password" }] },
  },
  routes: [{ id: "ledger", events: ["*"], url: "https://ledger.internal.example/hooks", auth: { type: "none" } }],
};

function get(path: string, token?: string, overrides: Record<string, unknown> = {}) {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return callWorker(new Request(`https://gw.example${path}`, { headers }), { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN, ...overrides });
}

describe("the console's door", () => {
  it("serves the page, its script and its stylesheet without the token, under a strict CSP", async () => {
    for (const [path, type] of [
      ["/admin/console", "text/html"],
      ["/admin/console/app.js", "text/javascript"],
      ["/admin/console/app.css", "text/css"],
    ] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toContain(type);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-(inline|eval)/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("the page holds no data and no inline script, and loads nothing from another host", async () => {
    const html = await (await get("/admin/console")).text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<script src="/admin/console/app.js" defer=""></script>');
    expect(html.match(/<script/g)?.length).toBe(1);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain("ledger");
    expect(html).toContain('<label for="token">Admin token</label>');
  });

  it("keeps the token out of storage and URLs in its script", async () => {
    const script = await (await get("/admin/console/app.js")).text();
    expect(script).not.toMatch(/localStorage|sessionStorage|document\.cookie|innerHTML|eval\(/);
    expect(script).toContain('authorization: "Bearer " + token');
  });

  it("is not there (404) without ADMIN_TOKEN, page and views alike", async () => {
    for (const path of ["/admin/console", "/admin/console/app.js", "/admin/console/views/routes"]) {
      const response = await get(path, ADMIN_TOKEN, { ADMIN_TOKEN: undefined });
      expect(response.status, path).toBe(404);
    }
  });

  it("refuses every view without the right token", async () => {
    for (const path of [
      "/admin/console/views/overview",
      "/admin/console/views/events",
      "/admin/console/views/routes",
      "/admin/console/views/sources",
      "/admin/console/views/dead-letters",
    ]) {
      for (const token of [undefined, "wrong-token"]) {
        const response = await get(path, token);
        expect(response.status, `${path} ${token}`).toBe(401);
        expect((await errorOf(response)).code).toBe("unauthorized");
      }
    }
  });

  it("lets only GET of the three shell paths through without the token", async () => {
    const post = await callWorker(new Request("https://gw.example/admin/console", { method: "POST", body: "token=x" }), {
      GATEWAY_CONFIG: JSON.stringify(config),
      ADMIN_TOKEN,
    });
    expect(post.status).toBe(401);
    expect((await get("/admin/console/app.js.map")).status).toBe(401);
    expect((await get("/admin/console/")).status).toBe(401);
  });
});

describe("views rendered from the admin API", () => {
  it("routes: the config route read-only, with the add form", async () => {
    const response = await get("/admin/console/views/routes", ADMIN_TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain('<td data-label="Id" class="mono">ledger</td>');
    expect(html).toContain("config (read-only)");
    expect(html).toContain('data-api="POST /admin/routes"');
  });

  it("sources: provider, rule types and pins, never a credential", async () => {
    await env.STATE.put("pins:pix", JSON.stringify(["cd".repeat(32)]));
    const html = await (await get("/admin/console/views/sources", ADMIN_TOKEN)).text();
    expect(html).toContain("ab".repeat(32));
    expect(html).toContain("cd".repeat(32));
    expect(html).toContain("<dd>bearer</dd>");
    expect(html).toContain("<dd>basic</dd>");
    expect(html).not.toMatch(/pix-secret-token|acme-password/);
  });

  it("GET /admin/sources answers the same facts as JSON", async () => {
    const response = await get("/admin/sources", ADMIN_TOKEN);
    expect(response.status).toBe(200);
    const body = await response.json<{ sources: { name: string; auth: { type: string }[]; mtls?: { uploadedFingerprintsSha256: string[] } }[] }>();
    expect(body.sources.map((s) => s.name)).toEqual(["pix", "acme", "bs2-boleto"]);
    expect(body.sources[1]!.auth).toEqual([{ type: "basic" }]);
    expect(JSON.stringify(body)).not.toMatch(/pix-secret-token|acme-password|"u"/);
  });

  it("passes an admin API error on as it came", async () => {
    const badQuery = await get("/admin/console/views/events?since=yesterday", ADMIN_TOKEN);
    expect(badQuery.status).toBe(400);
    expect((await errorOf(badQuery)).message).toContain("since");
    const missing = await get("/admin/console/views/events/nope%3Anothing", ADMIN_TOKEN);
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("not_found");
  });

  it("events: a boleto received through the ingest URL is found by subject, its payload masked", async () => {
    const subject = uniqueId("nn").replaceAll("-", "");
    const boleto = { Id: uniqueId("boleto"), NossoNumeroBoleto: subject, Pagador: { Nome: "Maria Souza" }, StatusBoleto: { Status: 3 } };
    const ingest = await callWorker(
      new Request("https://gw.example/hooks/bs2-boleto", {
        method: "POST",
        headers: { authorization: basic("bs2", "boleto-password"), "content-type": "application/json" },
        body: JSON.stringify(boleto),
      }),
      { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN },
    );
    expect(ingest.status).toBe(202);
    const [id] = (await ingest.json<{ ids: string[] }>()).ids;

    const list = await (await get(`/admin/console/views/events?subject=${subject}`, ADMIN_TOKEN)).text();
    expect(list).toContain("1 event, newest first");
    expect(list).toContain(`href="#events/${encodeURIComponent(id!)}"`);
    const event = await (await get(`/admin/console/views/events/${encodeURIComponent(id!)}`, ADMIN_TOKEN)).text();
    expect(event).toContain("bs2.boleto.settled");
    expect(event).toContain("[masked name]");
    expect(event).not.toContain("Maria Souza");
    expect(await (await get(`/admin/console/views/events/${encodeURIComponent(id!)}?reveal=1`, ADMIN_TOKEN)).text()).toContain("Maria Souza");
  });

  it("a quarantined request opens on its own page: reason, safe headers, masked body, Read again (issue 23, item 7)", async () => {
    const marker = uniqueId("broken");
    const ingest = await callWorker(
      new Request(`https://gw.example/hooks/bs2-boleto?m=${marker}`, {
        method: "POST",
        headers: { authorization: basic("bs2", "boleto-password"), "content-type": "application/json", "x-api-key": "key-never-shown" },
        body: '{"Pagador":{"Nome":"Maria Souza"}',
      }),
      { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN },
    );
    expect(ingest.status).toBe(202);
    const list = await (await get("/admin/console/views/dead-letters?kind=quarantine", ADMIN_TOKEN)).text();
    const ids = [...list.matchAll(/href="#dead-letters\/(q[a-z0-9]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    let page = "";
    for (const id of ids) {
      const html = await (await get(`/admin/console/views/dead-letters/${id}`, ADMIN_TOKEN)).text();
      if (html.includes(marker)) page = html;
    }
    expect(page).toContain("Quarantined request");
    expect(page).toContain("invalid_payload");
    expect(page).toContain("content-type");
    expect(page).not.toMatch(/key-never-shown|boleto-password|Maria Souza/);
    expect(page).toContain("Read again");
    expect(page).toContain("characters that are not JSON this view can mask");
  });
});

describe("the favicon", () => {
  it("answers 204, not 404, on every load", async () => {
    const response = await get("/favicon.ico");
    expect(response.status).toBe(204);
  });
});
