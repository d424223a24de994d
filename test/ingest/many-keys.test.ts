import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonShapeProblem, MAX_JSON_NODES } from "../../src/adapters/json-limits";
import { readPixItem } from "../../src/adapters/pix-items";
import { field, stringField } from "../../src/adapters/read";
import { callWorker, recordingQueue, uniqueId, watched } from "../helpers";

/**
 * Finding 28.4: a 1 MiB body of many small keys cost 115–240 ms of CPU. Each absent field name
 * listed every key of the item again (to find it in another letter case), and each envelope was
 * turned into JSON four times. Work is counted here, not timed (bench/adapters.ts times it): an
 * item wrapped in a Proxy tells how often its keys were listed, and JSON.stringify is watched for
 * the calls that carry the body.
 */

function manyKeys(count: number, fields: Record<string, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = { ...fields };
  for (let i = 0; i < count; i++) object[`k${i}`] = i % 7;
  return object;
}

describe("finding 28.4: no adapter does work proportional to keys × field names", () => {
  it("lists a Pix item's keys once, however many of the names it reads are absent", async () => {
    const item = watched(manyKeys(1_000, { endToEndId: "E1234567820261201100000000000001", valor: "10.00" }));
    const read = await readPixItem(item.value);
    expect(read.ok && read.value.map((n) => n.type)).toEqual(["pix.received"]);
    expect(item.listings()).toBe(1);
  });

  it("lists a BS2 SPI body's keys once for its ten candidate names, and still finds any letter case", () => {
    const body = watched(manyKeys(1_000, { EndToEndID: "E1", IdNotificacao: "N1" }));
    const names = ["evento", "tipoEvento", "nomeEvento", "event", "eventType", "type"];
    expect(stringField(body.value, ...names)).toBeUndefined();
    expect(stringField(body.value, "idNotificacao", "notificacaoId", "id")).toBe("N1");
    expect(field(body.value, "endToEndId")).toBe("E1");
    expect(body.listings()).toBe(1);
  });

  it("prefers the name as written, then in lower case, then the first other case", () => {
    expect(field({ status: 1, Status: 2 }, "Status")).toBe(2);
    expect(field({ STATUS: 1, status: 2 }, "Status")).toBe(2);
    expect(field({ STATUS: 1, StAtUs: 2 }, "status")).toBe(1);
  });
});

describe("finding 28.4: an envelope is turned into JSON once", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a 1 MiB BS2 SPI notification of 49,990 keys: accepted, its body serialized by one JSON.stringify call", async () => {
    const id = uniqueId();
    const body = { ...manyKeys(49_990, { evento: "RecebimentoFinalizado", idNotificacao: id }), note: "x".repeat(400_000) };
    const text = JSON.stringify(body);
    expect(text.length).toBeLessThan(1024 * 1024);
    const config = {
      sources: { "bs2-spi": { provider: "bs2-spi", auth: [{ type: "none" }] } },
      routes: [{ id: "all", events: ["bs2.spi.*"], url: "https://erp.internal.example/hooks" }],
    };
    const stringify = vi.spyOn(JSON, "stringify");
    const recorder = recordingQueue();
    const response = await callWorker(
      new Request("https://hooks.example.com/hooks/bs2-spi", { method: "POST", body: text, headers: { "content-type": "application/json" } }),
      { GATEWAY_CONFIG: JSON.stringify(config), DELIVERIES: recorder.queue },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: "accepted", ids: [`bs2-spi:recebimento_finalizado:${id}`] });
    // The body: the data itself, or an envelope holding it.
    const carriesBody = (value: unknown) => {
      const object = value as { data?: unknown } | null;
      if (typeof object !== "object" || object === null) return false;
      const data = typeof object.data === "object" && object.data !== null ? object.data : object;
      return Object.hasOwn(data, "k49989") && (data as Record<string, unknown>).idNotificacao === id;
    };
    const calls = stringify.mock.calls.filter(([value]) => carriesBody(value));
    expect(calls).toHaveLength(1);
    // Too large for a message: stored aside, the message carries its key; the text stored is the envelope.
    expect(recorder.sent).toEqual([expect.objectContaining({ routeId: "all", envelopeKey: expect.any(String) })]);
  });
});

describe("finding 28.4: a provider's body of more objects and members than any provider sends is not parsed", () => {
  afterEach(() => vi.restoreAllMocks());

  it(`counts them on the text: ${MAX_JSON_NODES} pass, one more is refused before JSON.parse`, () => {
    // The root object is one node and each member another.
    const within = JSON.stringify(manyKeys(MAX_JSON_NODES - 1, {}));
    expect(jsonShapeProblem(within, 64, MAX_JSON_NODES)).toBeUndefined();
    expect(jsonShapeProblem(JSON.stringify(manyKeys(MAX_JSON_NODES, {})), 64, MAX_JSON_NODES)).toBe("too_many_nodes");
    // Arrays count as objects do; brackets and colons inside strings do not.
    expect(jsonShapeProblem(`[${"[],".repeat(10)}[]]`, 64, 11)).toBe("too_many_nodes");
    expect(jsonShapeProblem(`["${"{:[".repeat(100)}"]`, 64, 1)).toBeUndefined();
  });

  it("a 1 MiB Pix body of 95,000 keys is quarantined whole, its text never parsed; a generic source still takes it", async () => {
    const id = uniqueId();
    const text = JSON.stringify({ pix: [manyKeys(95_000, { endToEndId: `E${id}`, valor: "10.00" })] });
    expect(text.length).toBeLessThan(1024 * 1024);
    const config = {
      sources: { pix: { provider: "pix", auth: [{ type: "none" }] }, any: { provider: "generic", auth: [{ type: "none" }] } },
      routes: [{ id: "all", events: ["*"], url: "https://erp.internal.example/hooks" }],
    };
    const parse = vi.spyOn(JSON, "parse");
    const recorder = recordingQueue();
    const send = (source: string) =>
      callWorker(new Request(`https://hooks.example.com/hooks/${source}`, { method: "POST", body: text, headers: { "content-type": "application/json" } }), {
        GATEWAY_CONFIG: JSON.stringify(config),
        DELIVERIES: recorder.queue,
      });
    const refused = await send("pix");
    expect(refused.status).toBe(202);
    expect(await refused.json()).toMatchObject({ status: "quarantined" });
    expect(parse.mock.calls.filter(([value]) => value === text)).toHaveLength(0);
    // Only the gateway's own event that says so.
    const types = () => recorder.sent.map((m) => (m as { envelope?: { type?: string } }).envelope?.type);
    expect(types()).toEqual(["hookgate.request.quarantined"]);

    const taken = await send("any");
    expect(taken.status).toBe(202);
    expect(await taken.json()).toMatchObject({ status: "accepted" });
    expect(types()).toHaveLength(2);
    expect(types()[1]).not.toBe("hookgate.request.quarantined");
  });
});
