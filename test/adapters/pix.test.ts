import { describe, expect, it } from "vitest";
import { pix } from "../../src/adapters/pix";
import { MAX_IDENTIFYING_LENGTH } from "../../src/adapters/pix-items";
import { accepted, HEX_SHA256, providerRequest, refused, sourceFor } from "./provider-request";

// The shape of Banco Central's Pix webhook (API Pix, "callback" of POST {url}/pix); the seeds
// carry no example of it, so these follow the published schema and the deviations of real PSPs.
const E2E = "E12345678202009091221abcdef12345";
const RECEIVED = {
  endToEndId: E2E,
  txid: "cd1fe328c875481285a6f233ae41b662",
  valor: "100.00",
  horario: "2020-09-10T13:03:33.902Z",
  infoPagador: "Reforma da casa",
};
const REFUND = {
  id: "000AAA111",
  rtrId: "D12345678202009091000abcde123456",
  valor: "11.00",
  horario: { solicitacao: "2020-09-10T13:03:33.902Z" },
  status: "EM_PROCESSAMENTO",
};
const SETTLED_REFUND = {
  ...REFUND,
  horario: { solicitacao: "2020-09-10T13:03:33.902Z", liquidacao: "2020-09-10T13:03:34.100Z" },
  status: "DEVOLVIDO",
};
const WITH_REFUND = { ...RECEIVED, devolucoes: [REFUND] };

const source = sourceFor("pix");
const read = (body: unknown) => accepted(pix, providerRequest({ rest: "pix", body: JSON.stringify(body) }), source);
const ids = async (body: unknown) => (await read(body)).map((n) => n.id);

describe("the pix adapter", () => {
  it("reads a received Pix as pix.received, keyed by endToEndId, about its txid, at horario", async () => {
    expect(await read({ pix: [RECEIVED] })).toEqual([
      {
        id: E2E,
        type: "pix.received",
        subject: "cd1fe328c875481285a6f233ae41b662",
        time: "2020-09-10T13:03:33.902Z",
        payload: { kind: "json", value: RECEIVED },
        keys: [E2E],
      },
    ]);
  });

  it("uses the endToEndId as subject when the Pix has no txid", async () => {
    const { txid: _txid, ...noTxid } = RECEIVED;
    const [notification] = await read({ pix: [noTxid] });
    expect(notification?.subject).toBe(E2E);
  });

  it("makes one notification per item of a batch, each with its own id", async () => {
    const other = { ...RECEIVED, endToEndId: "E12345678202009091221abcdef99999", txid: "another" };
    const notifications = await read({ pix: [RECEIVED, other] });
    expect(notifications.map((n) => n.id)).toEqual([E2E, "E12345678202009091221abcdef99999"]);
    expect(notifications.map((n) => n.payload)).toEqual([
      { kind: "json", value: RECEIVED },
      { kind: "json", value: other },
    ]);
  });

  it("reads pix sent as one object like a list of one", async () => {
    expect(await read({ pix: RECEIVED })).toEqual(await read({ pix: [RECEIVED] }));
  });

  it("reads a body that is itself one Pix item", async () => {
    expect(await ids(RECEIVED)).toEqual([E2E]);
  });

  it("reads valor as a number and an endToEndId that is not 32 characters", async () => {
    const notifications = await read({ pix: [{ ...RECEIVED, valor: 100, endToEndId: "E1234" }] });
    expect(notifications.map((n) => n.id)).toEqual(["E1234"]);
  });

  it("replaces an endToEndId too long for a KV key with its SHA-256", async () => {
    const [notification] = await read({ pix: [{ endToEndId: "E".repeat(250) }] });
    expect(notification?.id).toMatch(HEX_SHA256);
    expect(notification?.subject).toBe("E".repeat(250));
  });

  it("hashes a made-up long endToEndId once for all its refunds, not once each", async () => {
    const endToEndId = "E".repeat(200_000);
    const devolucoes = Array.from({ length: 200 }, (_, i) => ({ id: `D${i}`, status: "DEVOLVIDO" }));
    const notifications = await read({ pix: [{ endToEndId, valor: "1.00", devolucoes }] });
    expect(notifications).toHaveLength(201);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(endToEndId)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(notifications[0]?.id).toBe(digest);
    expect(notifications[1]?.id).toBe(`${digest}:refund:D0:devolvido`);
  });

  it("reads a refund update as the receipt plus pix.refund.<status>, keyed by the refund and its status", async () => {
    const [received, refund] = await read({ pix: [WITH_REFUND] });
    expect(received).toMatchObject({ id: E2E, type: "pix.received" });
    expect(refund).toEqual({
      id: `${E2E}:refund:000AAA111:em_processamento`,
      type: "pix.refund.em_processamento",
      subject: "cd1fe328c875481285a6f233ae41b662",
      time: "2020-09-10T13:03:33.902Z",
      // The Pix's identifying fields and this refund: not infoPagador or the rest of the item.
      payload: { kind: "json", value: { endToEndId: E2E, txid: RECEIVED.txid, valor: RECEIVED.valor, horario: RECEIVED.horario, devolucoes: [REFUND] } },
      keys: [E2E, "000AAA111"],
    });
  });

  it("leaves out of a refund an identifying field or subject longer than any real one, which each refund would repeat", async () => {
    const long = "t".repeat(MAX_IDENTIFYING_LENGTH + 1);
    const [received, refund] = await read({ pix: [{ ...RECEIVED, txid: long, chave: { nested: true }, devolucoes: [REFUND] }] });
    expect(received?.subject).toBe(long);
    expect(refund?.subject).toBeUndefined();
    expect(refund?.payload).toEqual({ kind: "json", value: { endToEndId: E2E, valor: RECEIVED.valor, horario: RECEIVED.horario, devolucoes: [REFUND] } });
  });

  it("counts a Pix and each of its refunds before reading any, and refuses past the source's bound", async () => {
    const devolucoes = [REFUND, { ...REFUND, id: "B" }, { ...REFUND, id: "C" }];
    const request = providerRequest({ rest: "pix", body: JSON.stringify({ pix: [{ ...RECEIVED, devolucoes }] }) });
    expect(await pix.adapt(request, source, 4)).toMatchObject({ ok: true });
    expect(await pix.adapt(request, source, 3)).toEqual({
      ok: false,
      code: "too_many_notifications",
      reason: "4 notifications, more than maxNotificationsPerRequest (3)",
    });
  });

  it("dates a settled refund by its liquidacao", async () => {
    const [, refund] = await read({ pix: [{ ...RECEIVED, devolucoes: [SETTLED_REFUND] }] });
    expect(refund?.type).toBe("pix.refund.devolvido");
    expect(refund?.time).toBe("2020-09-10T13:03:34.100Z");
  });

  it("reads a refund that did not happen as pix.refund.nao_realizado", async () => {
    const [, refund] = await read({ pix: [{ ...RECEIVED, devolucoes: [{ ...REFUND, status: "NAO_REALIZADO" }] }] });
    expect(refund?.type).toBe("pix.refund.nao_realizado");
  });

  it("reads devolucoes sent as one object like a list of one", async () => {
    const asObject = await read({ pix: [{ ...RECEIVED, devolucoes: REFUND }] });
    expect(asObject.map((n) => n.id)).toEqual(await ids({ pix: [WITH_REFUND] }));
  });

  it("makes one notification per refund of an item", async () => {
    const second = { ...REFUND, id: "000AAA222", rtrId: "D12345678202009091000abcde999999" };
    expect(await ids({ pix: [{ ...RECEIVED, devolucoes: [REFUND, second] }] })).toEqual([
      E2E,
      `${E2E}:refund:000AAA111:em_processamento`,
      `${E2E}:refund:000AAA222:em_processamento`,
    ]);
  });

  it("gives the receipt the same id with or without refunds, so it is not delivered twice", async () => {
    const [plain] = await ids({ pix: [RECEIVED] });
    const [withRefund] = await ids({ pix: [WITH_REFUND] });
    expect(withRefund).toBe(plain);
  });

  it("gives each status of the same refund its own id", async () => {
    const [, processing] = await ids({ pix: [WITH_REFUND] });
    const [, returned] = await ids({ pix: [{ ...RECEIVED, devolucoes: [SETTLED_REFUND] }] });
    expect(processing).not.toBe(returned);
  });

  it("gives the same batch sent twice the same ids", async () => {
    expect(await ids({ pix: [WITH_REFUND] })).toEqual(await ids({ pix: [WITH_REFUND] }));
  });

  it("makes one notification of an item repeated inside a batch", async () => {
    expect(await ids({ pix: [RECEIVED, RECEIVED] })).toEqual([E2E]);
  });

  it("refuses the whole batch when one item has no endToEndId", async () => {
    const { endToEndId: _e2e, ...noId } = RECEIVED;
    const reason = await refused(pix, providerRequest({ body: JSON.stringify({ pix: [RECEIVED, noId] }) }), source);
    expect(reason).toBe("pix[1]: The item has no endToEndId.");
  });

  it("refuses a refund without an id or a status", async () => {
    const { status: _status, ...noStatus } = REFUND;
    const { id: _id, rtrId: _rtrId, ...noId } = REFUND;
    const body = (devolucao: unknown) => JSON.stringify({ pix: [{ ...RECEIVED, devolucoes: [devolucao] }] });
    expect(await refused(pix, providerRequest({ body: body(noStatus) }), source)).toMatch(/status/);
    expect(await refused(pix, providerRequest({ body: body(noId) }), source)).toMatch(/id/);
  });

  it("refuses a body with no pix items, and broken JSON", async () => {
    expect(await refused(pix, providerRequest({ body: JSON.stringify({ pix: [] }) }), source)).toMatch(/no pix/);
    expect(await refused(pix, providerRequest({ body: JSON.stringify({ outro: 1 }) }), source)).toMatch(/no pix/);
    expect(await refused(pix, providerRequest({ body: '{"pix": [' }), source)).toMatch(/JSON/);
  });
});
