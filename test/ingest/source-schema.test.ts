import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { getDeadLetter } from "../../src/deadletters/store";
import { callWorker, recordingQueue, uniqueId } from "../helpers";

/** A generic source with a "schema": what does not meet it is quarantined with the failing path, never routed. */

const ORDER_SCHEMA = {
  type: "object",
  required: ["id", "order"],
  properties: { id: { type: "string" }, order: { type: "object", required: ["total"], properties: { total: { type: "number", minimum: 0 } } } },
};

const config = {
  sources: { shop: { provider: "generic", idPath: "body.id", eventType: "shop.order", schema: ORDER_SCHEMA, auth: [{ type: "none" }] } },
  routes: [{ id: "orders", events: ["shop.*"], url: "https://erp.internal.example/hooks" }],
};

async function send(body: unknown) {
  const recorder = recordingQueue();
  const response = await callWorker(
    new Request("https://hooks.example.com/hooks/shop", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    { GATEWAY_CONFIG: JSON.stringify(config), DELIVERIES: recorder.queue },
  );
  return { response, routed: recorder.sent.filter((m) => m.routeId === "orders") };
}

describe("a source with a schema", () => {
  it("routes a payload that meets it", async () => {
    const { response, routed } = await send({ id: uniqueId("order"), order: { total: 150.5 } });
    expect(response.status).toBe(202);
    expect(routed).toHaveLength(1);
  });

  it("quarantines one that does not, naming the failing path, and routes nothing", async () => {
    const { response, routed } = await send({ id: uniqueId("order"), order: { total: "150.50" } });
    expect(response.status).toBe(202);
    const answer = await response.json<{ status: string; id: string }>();
    expect(answer.status).toBe("quarantined");
    const record = await getDeadLetter(env.STATE, answer.id);
    expect(record?.reason).toBe("invalid_payload");
    expect(record?.lastError).toMatch(/^The payload does not meet the source's schema at #\/order\/total: /);
    expect(routed).toEqual([]);
  });

  it("is for generic and standard-webhooks sources only", () => {
    const loaded = parseConfig({ sources: { bs2: { provider: "bs2-boleto", schema: { type: "object" }, auth: [{ type: "none" }] } } }, () => undefined);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.problems.join("\n")).toMatch(/schema.*only generic and standard-webhooks/);
  });
});
