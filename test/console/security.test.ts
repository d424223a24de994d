import { describe, expect, it } from "vitest";
import { basic, callWorker, uniqueId } from "../helpers";

/** Issue 19, finding 1: what reaches the console's page is a view the Worker rendered, and nothing else acts. */
const ADMIN_TOKEN = "console-security-token-for-tests";
const config = {
  sources: { acme: { provider: "generic", eventType: "acme.event", auth: [{ type: "basic", username: "u", password: "acme-password" }] } },
  routes: [{ id: "ledger", events: ["*"], url: "https://ledger.internal.example/hooks", auth: { type: "none" } }],
};
const bindings = { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN };
const FORM = "<form data-api='POST /admin/routes'><input name=url value=https://evil.example><button>Continue</button></form>";
const META = '<meta http-equiv=refresh content="0;url=http://127.0.0.1:9/">';

function get(path: string) {
  return callWorker(new Request(`https://gw.example${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), bindings);
}

async function send(body: unknown): Promise<string> {
  const response = await callWorker(
    new Request("https://gw.example/hooks/acme", {
      method: "POST",
      headers: { authorization: basic("u", "acme-password"), "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    bindings,
  );
  expect(response.status).toBe(202);
  return (await response.json<{ ids: string[] }>()).ids[0]!;
}

describe("the admin API's JSON", () => {
  it("writes <, > and & as \\u escapes, so read as HTML it holds no markup; parsed, it is the same", async () => {
    const id = await send({ id: uniqueId("xss"), form: FORM, meta: META, both: "a & b" });
    const response = await get(`/admin/events/${encodeURIComponent(id)}`);
    expect(response.headers.get("content-type")).toContain("application/json");
    const text = await response.text();
    expect(text).not.toMatch(/[<>&]/);
    expect(text).toContain("\\u003cform data-api='POST /admin/routes'\\u003e");
    expect(text).toContain("a \\u0026 b");
    const data = (JSON.parse(text) as { event: { data: Record<string, string> } }).event.data;
    expect(data).toMatchObject({ form: FORM, meta: META, both: "a & b" });
  });

  it("escapes error answers too, where a message quotes what was sent", async () => {
    const id = await send({ id: uniqueId("err") });
    const response = await callWorker(
      new Request(`https://gw.example/admin/events/${encodeURIComponent(id)}/redeliver`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ routes: ["<b>x</b>"] }),
      }),
      bindings,
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/[<>]/);
    expect((JSON.parse(text) as { error: { message: string } }).error.message).toContain('no route "<b>x</b>"');
  });
});

describe("the console's views", () => {
  it("carry a fresh nonce on every form and button of their own, and in X-Console-Nonce", async () => {
    const nonces: string[] = [];
    for (const view of ["routes", "events", "dead-letters"]) {
      const response = await get(`/admin/console/views/${view}`);
      expect(response.headers.get("content-type")).toContain("text/html");
      const nonce = response.headers.get("x-console-nonce") ?? "";
      expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
      nonces.push(nonce);
      const html = await response.text();
      const actions = html.match(/<(form|button)[^>]* data-(api|search|load)=/g) ?? [];
      expect(actions.length, view).toBeGreaterThan(0);
      expect(html.match(new RegExp(`data-nonce="${nonce}"`, "g"))?.length, view).toBe(actions.length);
    }
    expect(new Set(nonces).size).toBe(3);
  });

  it("show a payload's form and meta refresh as text", async () => {
    const id = await send({ id: uniqueId("xss"), form: FORM, meta: META });
    for (const path of [`/admin/console/views/events/${encodeURIComponent(id)}`, `/admin/console/views/events/${encodeURIComponent(id)}?reveal=1`]) {
      const html = await (await get(path)).text();
      expect(html).not.toContain("<meta");
      expect(html).not.toContain("<form data-api='");
      expect(html.match(/<form /g)?.length).toBe(1);
      expect(html).toContain("&lt;meta http-equiv=refresh");
    }
  });
});
