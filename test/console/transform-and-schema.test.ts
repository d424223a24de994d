import type { JSX } from "hono/jsx/jsx-runtime";
import { describe, expect, it } from "vitest";
import { findEventType } from "../../src/catalog";
import type { EventDetail, RouteItem } from "../../src/console/shapes";
import { EventView } from "../../src/console/views/event";
import { RoutesView } from "../../src/console/views/routes";

const render = async (node: JSX.Element) => String(await node.toString());

const erp: RouteItem = {
  id: "erp",
  origin: "admin",
  readOnly: false,
  url: "https://erp.internal.example/boletos",
  events: ["bs2.boleto.*"],
  transform: '{"boleto": data.NossoNumeroBoleto, "x": "<b>"}',
  method: "POST",
  auth: { type: "none" },
  timeoutMs: 10000,
  state: "active",
};

describe("the console's route view", () => {
  it("shows a route's transform (escaped), puts it in the edit form, and has the try-out box", async () => {
    const html = await render(RoutesView({ routes: [erp] }));
    expect(html).toContain("transform: {&quot;boleto&quot;: data.NossoNumeroBoleto, &quot;x&quot;: &quot;&lt;b&gt;&quot;}");
    expect(html).not.toContain('"<b>"');
    expect(html).toMatch(/<textarea id="erp-transform" name="transform"[^>]*>\{&quot;boleto&quot;/);
    expect(html).toMatch(/<form data-api="POST \/admin\/routes\/test-transform" data-show=""/);
    expect(html).toContain('name="eventId"');
    expect(html).toContain("data-output");
  });
});

describe("the console's event view", () => {
  const detail = (type: string): EventDetail => ({
    event: { ...findEventType("bs2.boleto.settled")!.example, type },
    state: "delivered",
    requests: [],
    deliveries: [],
  });

  it("shows the JSON Schema of the type's data beside the envelope", async () => {
    const html = await render(EventView({ id: "bs2:x:3", detail: detail("bs2.boleto.settled"), reveal: false }));
    expect(html).toContain('Schema of <span class="mono">data</span> for <span class="mono">bs2.boleto.settled</span>');
    expect(html).toContain("StatusBoleto");
  });

  it("says so for a type the catalog does not hold", async () => {
    const html = await render(EventView({ id: "acme:1", detail: detail("acme.paid"), reveal: false }));
    expect(html).toContain("No schema in the catalog for this type");
  });
});
