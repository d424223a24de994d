import { describe, expect, it } from "vitest";
import { uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, eventConfig, notify, route } from "../ledger/helpers";

/** BS2's boleto notification, as test/routing/transformed-delivery.test.ts sends it. */
const boleto = (id: string) => ({
  Id: id,
  NossoNumeroBoleto: "00012345",
  SeuNumeroBoleto: "PEDIDO-981",
  ValorLiquidado: "150.00",
  StatusBoleto: { Status: 3, Descricao: "Boleto liquidado", DataStatus: "2024-09-05T10:00:00-03:00" },
});

type Answer = { result?: unknown; error?: unknown; position?: number };

describe("POST /admin/routes/test-transform", () => {
  it("applies a transform to a real past event and answers what the route would receive", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("archive", ["bs2.boleto.*"])]), { DELIVERIES: queue });
    const id = uniqueId("boleto");
    expect((await notify(boleto(id), bound, undefined, "bs2")).status).toBe(202);
    take();
    const test = (body: unknown) => admin<Answer>("/admin/routes/test-transform", bound, { method: "POST", body: JSON.stringify(body) });

    const erp = await test({ transform: '{"boleto": data.NossoNumeroBoleto, "amount": $number(data.ValorLiquidado), "id": id}', eventId: `bs2:${id}:3` });
    expect(erp).toEqual({ status: 200, body: { result: { boleto: "00012345", amount: 150, id: `bs2:${id}:3` } } });
    expect((await test({ transform: "type", eventId: `bs2:${id}:3` })).body).toEqual({ result: "bs2.boleto.settled" });
    expect((await test({ transform: "$.data.x", envelope: { data: { x: [1, 2] } } })).body).toEqual({ result: [1, 2] });
    expect((await test({ transform: "data", eventId: "bs2:never-seen:3" })).status).toBe(404);
  });

  it("answers 200 with the error when the evaluation fails, as the dead letter would say it", async () => {
    const bound = bindings(eventConfig([]));
    const test = (body: unknown) => admin<Answer>("/admin/routes/test-transform", bound, { method: "POST", body: JSON.stringify(body) });
    expect(await test({ transform: "data.missing", envelope: { data: {} } })).toEqual({
      status: 200,
      body: { error: "the transform's result is empty (nothing matched)" },
    });
    const thrown = await test({ transform: '$error("no boleto number")', envelope: { data: {} } });
    expect(thrown.status).toBe(200);
    expect(thrown.body.error).toMatch(/no boleto number/);
  });

  it("answers 400 naming the position when the expression does not parse, or uses what transforms refuse", async () => {
    const bound = bindings(eventConfig([]));
    const test = (body: unknown) =>
      admin<Answer & { error?: { message: string } }>("/admin/routes/test-transform", bound, { method: "POST", body: JSON.stringify(body) });
    const broken = await test({ transform: '{"a": data.(b + }', envelope: {} });
    expect(broken.status).toBe(400);
    expect(broken.body.position).toBe(17);
    expect(broken.body.error?.message).toMatch(/^transform: position 17: /);

    const regex = await test({ transform: "$match(data.a, /x+/)", envelope: {} });
    expect(regex.status).toBe(400);
    expect(regex.body.position).toEqual(expect.any(Number));
    expect(regex.body.error?.message).toMatch(/regular expressions are not allowed/);

    const neither = await test({ transform: "data" });
    expect(neither.status).toBe(400);
    expect(neither.body.position).toBeUndefined();
  });
});

describe("a transform on a route added through the admin API", () => {
  it("is validated with its position, shown, and removed with null", async () => {
    const bound = bindings(eventConfig([]), { LOCAL_DEV: "true" });
    const id = uniqueId("erp").toLowerCase().slice(0, 30);
    const create = (transform: string, more: Record<string, unknown> = {}) =>
      admin<{ transform?: string; error?: { message: string } }>("/admin/routes", bound, {
        method: "POST",
        body: JSON.stringify({ id, url: "http://127.0.0.1:9/erp", event: "bs2.boleto.*", auth: { type: "none" }, transform, ...more }),
      });
    const bad = await create("{ 'a': ");
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^transform: position \d+: /);
    expect((await create("data", { method: "GET" })).body.error?.message).toBe("transform: a GET route sends no body, so it cannot have a transform");

    const made = await create("{'boleto': data.NossoNumeroBoleto}");
    expect(made.status).toBe(201);
    expect(made.body.transform).toBe("{'boleto': data.NossoNumeroBoleto}");
    const cleared = await admin<{ transform?: string }>(`/admin/routes/${id}`, bound, { method: "PUT", body: JSON.stringify({ transform: null }) });
    expect(cleared.status).toBe(200);
    expect(cleared.body.transform).toBeUndefined();
  });
});
