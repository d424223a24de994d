import { describe, expect, it } from "vitest";
import { bs2Boleto } from "../../src/adapters/bs2-boleto";
import { acceptedOne, providerRequest, refused, sourceFor } from "./provider-request";

// BS2's document gives the contract as a table of fields, not an example: this body has
// exactly those fields (StatusBoleto with Status, Descricao, DataStatus).
const SETTLED = {
  Id: "6f1c2d9a-0b7e-4c55-9d1e-2f3a4b5c6d7e",
  DataNotificacao: "2024-09-05T10:00:05-03:00",
  NossoNumeroBoleto: "00012345",
  SeuNumeroBoleto: "PEDIDO-981",
  Valor: "150.00",
  ValorLiquidado: "150.00",
  SituacaoDescricao: "Liquidado",
  Situacao: 4,
  StatusBoleto: { Status: 3, Descricao: "Boleto liquidado/baixado - crédito efetuado na CC", DataStatus: "2024-09-05T10:00:00-03:00" },
};

const source = sourceFor("bs2-boleto");
const read = (body: unknown) => acceptedOne(bs2Boleto, providerRequest({ body: JSON.stringify(body) }), source);
const withStatus = (status: unknown, extra: Record<string, unknown> = {}) => ({
  ...SETTLED,
  ...extra,
  StatusBoleto: { ...SETTLED.StatusBoleto, Status: status },
});

describe("the bs2-boleto adapter", () => {
  it("reads a settled boleto as bs2.boleto.settled, about NossoNumeroBoleto, at DataStatus", async () => {
    expect(await read(SETTLED)).toEqual({
      id: "6f1c2d9a-0b7e-4c55-9d1e-2f3a4b5c6d7e:3",
      type: "bs2.boleto.settled",
      subject: "00012345",
      time: "2024-09-05T10:00:00-03:00",
      payload: { kind: "json", value: SETTLED },
      keys: ["6f1c2d9a-0b7e-4c55-9d1e-2f3a4b5c6d7e", "PEDIDO-981"],
    });
  });

  it.each([
    [1, "bs2.boleto.registered"],
    [2, "bs2.boleto.paid"],
    [3, "bs2.boleto.settled"],
    [4, "bs2.boleto.canceled"],
  ])("maps StatusBoleto.Status %i to %s", async (status, type) => {
    expect((await read(withStatus(status))).type).toBe(type);
  });

  it("maps a status the document does not list to a type of its own instead of refusing it", async () => {
    expect((await read(withStatus(7))).type).toBe("bs2.boleto.status_7");
  });

  it("reads the status as a string too", async () => {
    expect((await read(withStatus("2"))).type).toBe("bs2.boleto.paid");
  });

  it("takes the latest entry by DataStatus when StatusBoleto is a list, whatever its order", async () => {
    const body = {
      ...SETTLED,
      StatusBoleto: [
        { Status: 2, Descricao: "Pago", DataStatus: "2024-09-04T18:00:00-03:00" },
        { Status: 3, Descricao: "Liquidado", DataStatus: "2024-09-05T10:00:00-03:00" },
        { Status: 1, Descricao: "Registrado", DataStatus: "2024-09-01T09:00:00-03:00" },
      ],
    };
    const notification = await read(body);
    expect(notification.type).toBe("bs2.boleto.settled");
    expect(notification.time).toBe("2024-09-05T10:00:00-03:00");
  });

  it("takes the last entry when a DataStatus is not an ISO date-time, rather than misreading dd/MM dates", async () => {
    const notification = await read({
      ...SETTLED,
      StatusBoleto: [
        { Status: 2, Descricao: "Pago", DataStatus: "12/09/2024 10:00:00" },
        { Status: 3, Descricao: "Liquidado", DataStatus: "13/09/2024 09:00:00" },
      ],
    });
    expect(notification.type).toBe("bs2.boleto.settled");
  });

  it("takes the last entry of a list whose entries have no DataStatus", async () => {
    const body = { ...SETTLED, StatusBoleto: [{ Status: 1 }, { Status: 4 }] };
    expect((await read(body)).type).toBe("bs2.boleto.canceled");
  });

  it("reads Valor as a number as well as a string", async () => {
    const asNumber = await read({ ...SETTLED, Valor: 150, ValorLiquidado: 150 });
    expect(asNumber.type).toBe("bs2.boleto.settled");
    expect(asNumber.id).toBe((await read(SETTLED)).id);
  });

  it("reads a NossoNumeroBoleto sent as a number as a string subject", async () => {
    expect((await read({ ...SETTLED, NossoNumeroBoleto: 12345 })).subject).toBe("12345");
  });

  it("gives no event time for a DataStatus without an offset, which names no instant", async () => {
    const body = { ...SETTLED, StatusBoleto: { ...SETTLED.StatusBoleto, DataStatus: "2024-09-05T10:00:00" } };
    expect((await read(body)).time).toBeUndefined();
  });

  it("gives the same notification sent twice the same id", async () => {
    expect((await read(SETTLED)).id).toBe((await read(SETTLED)).id);
  });

  it("gives another status of the same boleto another id, even when BS2 reuses the Id", async () => {
    const paid = await read(withStatus(2));
    const settled = await read(withStatus(3));
    expect(paid.id).not.toBe(settled.id);
  });

  it("refuses a body without Id", async () => {
    const { Id: _id, ...body } = SETTLED;
    expect(await refused(bs2Boleto, providerRequest({ body: JSON.stringify(body) }), source)).toMatch(/Id/);
  });

  it("refuses a body without a StatusBoleto.Status", async () => {
    const { StatusBoleto: _status, ...body } = SETTLED;
    expect(await refused(bs2Boleto, providerRequest({ body: JSON.stringify(body) }), source)).toMatch(/Status/);
    const noNumber = withStatus("liquidado");
    expect(await refused(bs2Boleto, providerRequest({ body: JSON.stringify(noNumber) }), source)).toMatch(/Status/);
  });

  it("refuses broken JSON and a JSON list", async () => {
    expect(await refused(bs2Boleto, providerRequest({ body: '{"Id": ' }), source)).toMatch(/JSON/);
    expect(await refused(bs2Boleto, providerRequest({ body: JSON.stringify([SETTLED]) }), source)).toMatch(/object/);
  });
});
