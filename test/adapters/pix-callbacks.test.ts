import { describe, expect, it } from "vitest";
import { pix } from "../../src/adapters/pix";
import * as examples from "./pix-examples";
import { accepted, providerRequest, refused, sourceFor } from "./provider-request";

const source = sourceFor("pix");
const at = (rest: string, body: unknown) => providerRequest({ rest, body: JSON.stringify(body) });
const read = (rest: string, body: unknown) => accepted(pix, at(rest, body), source);
const reason = (rest: string, body: unknown) => refused(pix, at(rest, body), source);

describe("the pix adapter on Banco Central's published /pix example", () => {
  it("reads both items and the refund given as one object", async () => {
    const notifications = await read("pix", examples.webhookPixBody());
    expect(notifications.map((n) => [n.id, n.type, n.subject])).toEqual([
      ["E12345678202009091221kkkkkkkkkkk", "pix.received", "c3e0e7a4e7f1469a9f782d3d4999343c"],
      ["E12345678202009091221kkkkkkkkkkk:refund:123ABC:em_processamento", "pix.refund.em_processamento", "c3e0e7a4e7f1469a9f782d3d4999343c"],
      ["E87654321202009091221dfghi123456", "pix.received", "971122d8f37211eaadc10242ac120002"],
    ]);
    expect(notifications[1]?.time).toBe("2020-09-09T20:15:00.358Z");
  });

  it("reads GET /pix's example items, 34-character endToEndIds and all", async () => {
    const { pix: items } = examples.getPix1();
    const notifications = await read("pix", { pix: items });
    expect(notifications.map((n) => n.id)).toEqual([
      "E12345678202009091221abcdef12345",
      "E12345678202009091221abcdef12345:refund:000AAA111:em_processamento",
      "E12345678202009091221ghijk78901234",
      "E88631478202009091221ghijk78901234",
    ]);
  });
});

describe("refunds", () => {
  it("give each refund envelope the Pix's identifying fields with that refund alone in devolucoes", async () => {
    const item = { ...examples.pixResponse1(), devolucoes: [examples.devolucaoResponse1(), examples.devolucaoResponse2()] };
    const [received, first, second] = await read("pix", { pix: [item] });
    expect(received?.payload).toEqual({ kind: "json", value: item });
    const identity = { endToEndId: item.endToEndId, txid: item.txid, valor: item.valor, horario: item.horario };
    expect(first?.payload).toEqual({ kind: "json", value: { ...identity, devolucoes: [examples.devolucaoResponse1()] } });
    expect(second).toMatchObject({
      id: "E12345678202009091221abcdef12345:refund:502:nao_realizado",
      type: "pix.refund.nao_realizado",
      payload: { kind: "json", value: { ...identity, devolucoes: [examples.devolucaoResponse2()] } },
    });
  });

  it("keep devolucoes one object when it came as one object", async () => {
    const { infoPagador: _info, ...identity } = examples.pixWebhook1();
    const [, refund] = await read("pix", { pix: [examples.pixWebhook1()] });
    expect(refund?.payload).toEqual({ kind: "json", value: identity });
  });

  it("reads Efí's settled refund as pix.refund.devolvido", async () => {
    const notifications = await read("pix", examples.efiRefundSent());
    expect(notifications.map((n) => n.type)).toEqual(["pix.received", "pix.refund.devolvido"]);
  });
});

describe("Pix the account sent (Efí's /pix callback)", () => {
  it("reads a sent Pix as pix.sent.<status>, never pix.received", async () => {
    const [sent] = await read("pix", examples.efiPixSent());
    expect(sent).toEqual({
      id: "E090893562021030PIf25a7868:sent:realizado",
      type: "pix.sent.realizado",
      subject: "E090893562021030PIf25a7868",
      time: "2021-03-04T20:39:47.000Z",
      payload: { kind: "json", value: examples.efiPixSent().pix[0] },
      keys: ["E090893562021030PIf25a7868"],
    });
  });

  it("gives the later NAO_REALIZADO of the same endToEndId its own id, and a null horario no time", async () => {
    const [realizado] = await read("pix", examples.efiPixSent());
    const [rejected] = await read("pix", examples.efiPixRejected());
    expect(rejected).toMatchObject({ id: "E090893562021030PIf25a7868:sent:nao_realizado", type: "pix.sent.nao_realizado", time: undefined });
    expect(rejected?.id).not.toBe(realizado?.id);
  });

  it("keeps received, sent and refunds of one endToEndId apart", async () => {
    const e2e = "E090893562021030PIf25a7868";
    const received = { endToEndId: e2e, valor: "0.01", devolucoes: [examples.devolucaoResponse1()] };
    const ids = [...(await read("pix", { pix: [received] })), ...(await read("pix", examples.efiPixSent()))].map((n) => n.id);
    expect(new Set(ids).size).toBe(3);
  });

  it("puts an item's own status in its id even without tipo", async () => {
    const [first] = await read("pix", { pix: [{ endToEndId: "E1", status: "ATIVA" }] });
    const [second] = await read("pix", { pix: [{ endToEndId: "E1", status: "CONCLUIDA" }] });
    expect([first?.id, second?.id]).toEqual(["E1:ativa", "E1:concluida"]);
    expect(first?.type).toBe("pix.received");
  });

  it("refuses a sent Pix without a status: its next update could not be told from it", async () => {
    const { status: _status, ...noStatus } = examples.efiPixSent().pix[0]!;
    expect(await reason("pix", { pix: [noStatus] })).toBe("pix[0]: A sent Pix (it has tipo) has no status.");
  });
});

describe("Pix Automático: recurrences at {url}/rec", () => {
  it("reads Banco Central's example as pix.recurrence.aprovada, keyed by idRec, status and latest update", async () => {
    const [rec] = await read("rec", examples.recWebhookNotification1());
    expect(rec).toEqual({
      id: "RR1026652320240821lab77511abf:aprovada:2024-08-22T12:43:53.337Z",
      type: "pix.recurrence.aprovada",
      subject: "RR1026652320240821lab77511abf",
      time: "2024-08-22T12:43:53.337Z",
      payload: { kind: "json", value: examples.recWebhookNotification1().recs[0] },
    });
  });

  it("gives a later status of the same recurrence its own id", async () => {
    const body = examples.recWebhookNotification1();
    const item = body.recs[0]!;
    item.status = "CANCELADA";
    item.atualizacao.push({ status: "CANCELADA", data: "2024-09-01T08:00:00.000Z" });
    const [canceled] = await read("rec", body);
    expect(canceled).toMatchObject({ id: "RR1026652320240821lab77511abf:cancelada:2024-09-01T08:00:00.000Z", type: "pix.recurrence.cancelada" });
  });

  it("reads recs as one object, extra fields, nome instead of status in atualizacao, and an invalid date", async () => {
    const item = { idRec: "RN1234567820240115abcdefghijk", status: "CRIADA", extra: { a: 1 }, atualizacao: { nome: "CRIADA", data: "2024-13-45" } };
    const [rec] = await read("/rec/", { recs: item });
    expect(rec).toMatchObject({ id: "RN1234567820240115abcdefghijk:criada:2024-13-45", type: "pix.recurrence.criada", time: undefined });
  });

  it("refuses a recurrence without idRec or status", async () => {
    expect(await reason("rec", { recs: [{ status: "CRIADA" }] })).toBe("recs[0]: The recurrence has no idRec.");
    expect(await reason("rec", { recs: [{ idRec: "RR1" }] })).toBe("recs[0]: The recurrence has no status.");
  });
});

describe("Pix Automático: recurring charges at {url}/cobr", () => {
  it("reads Banco Central's example, whose tentativa has an invalid date, as pix.recurring_charge.ativa", async () => {
    const [charge] = await read("cobr", examples.cobRWebhookNotification1());
    expect(charge).toEqual({
      id: "3136957d93134f2184b369e8f1c0729d:ativa:2024-08-20T12:34:21.300Z",
      type: "pix.recurring_charge.ativa",
      subject: "3136957d93134f2184b369e8f1c0729d",
      time: "2024-08-20T12:34:21.300Z",
      payload: { kind: "json", value: examples.cobRWebhookNotification1().cobsr[0] },
    });
  });

  it("gives a charge whose attempt changed while it stayed ATIVA a new id", async () => {
    const first = examples.cobRWebhookNotification1();
    const later = examples.cobRWebhookNotification1();
    Object.assign(later.cobsr[0]!.tentativas[0]!, { status: "AGENDADA", atualizacao: [{ status: "AGENDADA", data: "2024-08-21T09:00:00.000Z" }] });
    const [a] = await read("cobr", first);
    const [b] = await read("cobr", later);
    expect(b?.id).toBe("3136957d93134f2184b369e8f1c0729d:ativa:2024-08-21T09:00:00.000Z");
    expect(b?.id).not.toBe(a?.id);
  });

  it("ends the id at the status when there is no atualizacao", async () => {
    const [charge] = await read("cobr", { cobsr: [{ txid: "t1", status: "CRIADA" }] });
    expect(charge).toMatchObject({ id: "t1:criada", time: undefined });
  });

  it("refuses a recurring charge without txid", async () => {
    expect(await reason("cobr", { cobsr: [{ idRec: "RR1", status: "ATIVA" }] })).toBe("cobsr[0]: The recurring charge has no txid.");
  });
});

describe("the body's key decides and {rest} confirms", () => {
  it("reads by the key when {rest} names no callback (a bare URL, a longer path)", async () => {
    expect((await read("", examples.recWebhookNotification1()))[0]?.type).toBe("pix.recurrence.aprovada");
    expect((await read("v1/notify", examples.cobRWebhookNotification1()))[0]?.type).toBe("pix.recurring_charge.ativa");
    expect((await read("tenant-a//pix", examples.efiPixReceived()))[0]?.type).toBe("pix.received");
  });

  it("quarantines a body whose key disagrees with {rest}", async () => {
    expect(await reason("pix", examples.recWebhookNotification1())).toBe("The URL ends in /pix but the body carries recs.");
    expect(await reason("rec", examples.efiPixReceived())).toBe("The URL ends in /rec but the body carries pix.");
    expect(await reason("COBR", examples.recWebhookNotification1())).toBe("The URL ends in /cobr but the body carries recs.");
  });

  it("quarantines a body carrying two callbacks' keys", async () => {
    const body = { ...examples.efiPixReceived(), ...examples.recWebhookNotification1() };
    expect(await reason("", body)).toBe("The body carries pix and recs: one callback at a time.");
  });

  it("reads a bare item by {rest}, and refuses a body with none of the keys", async () => {
    const item = examples.recWebhookNotification1().recs[0];
    expect((await read("rec", item))[0]?.subject).toBe("RR1026652320240821lab77511abf");
    expect(await reason("rec", { outro: 1 })).toBe("The body has no recs items.");
    expect(await reason("cobr", { cobsr: [] })).toBe("The body has no cobsr items.");
  });
});
