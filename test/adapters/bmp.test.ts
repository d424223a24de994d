import { describe, expect, it } from "vitest";
import { bmp } from "../../src/adapters/bmp";
import {
  BOLETO_CANCELED,
  BOLETO_CANCELED_AS_DOCUMENTED,
  BOLETO_ISSUED,
  DUE_DATE_EXTENSION,
  INSTALLMENT_POSTING,
  INSTALLMENTS,
  SCHEDULE_CANCELED,
  SURCHARGE_DISCOUNT,
} from "./bmp-examples";
import type { RequestInit } from "./provider-request";
import { accepted, acceptedOne, providerRequest, refused, sourceFor } from "./provider-request";

const source = sourceFor("bmp");
const read = (init: RequestInit) => acceptedOne(bmp, providerRequest(init), source);
const GUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

describe("the bmp adapter's proposal status callbacks", () => {
  it("reads a GET callback as bmp.proposal.<status>, keyed by proposal and status, with the query as data", async () => {
    const notification = await read({ method: "GET", query: `Proposal=${GUID}&Status=2&Identifier=OP-77` });
    expect(notification).toEqual({
      id: `${GUID}:2`,
      type: "bmp.proposal.approved",
      subject: GUID,
      recurs: true,
      payload: { kind: "json", value: { Proposal: GUID, Status: "2", Identifier: "OP-77" } },
    });
  });

  it("reads the query names in any letter case, and keeps them as sent in data", async () => {
    const lower = await read({ method: "GET", query: `proposal=${GUID}&status=9` });
    const upper = await read({ method: "GET", query: `PROPOSAL=${GUID}&STATUS=9` });
    expect(lower.type).toBe("bmp.proposal.paid");
    expect(upper.id).toBe(lower.id);
    expect(upper.payload).toEqual({ kind: "json", value: { PROPOSAL: GUID, STATUS: "9" } });
  });

  it("accepts an alphanumeric proposal id", async () => {
    const notification = await read({ method: "GET", query: "proposal=AB12cd34&status=4" });
    expect(notification).toMatchObject({ id: "AB12cd34:4", type: "bmp.proposal.canceled", subject: "AB12cd34" });
  });

  it.each([
    [2, "approved"],
    [4, "canceled"],
    [5, "pending"],
    [6, "completed"],
    [8, "released"],
    [9, "paid"],
    [10, "assigned"],
    [11, "pending_payment"],
  ])("maps status %i to bmp.proposal.%s", async (status, name) => {
    expect((await read({ method: "GET", query: `proposal=P1&status=${status}` })).type).toBe(`bmp.proposal.${name}`);
  });

  it("maps a status it does not know to bmp.proposal.status_<n> instead of refusing it", async () => {
    expect((await read({ method: "GET", query: "proposal=P1&status=7" })).type).toBe("bmp.proposal.status_7");
  });

  it("carries a POST's installment body unchanged as data", async () => {
    const notification = await read({ method: "POST", query: `Proposal=${GUID}&Status=9`, body: INSTALLMENTS });
    expect(notification.type).toBe("bmp.proposal.paid");
    expect(notification.payload).toEqual({ kind: "json", value: JSON.parse(INSTALLMENTS) });
  });

  it("reads a PUT like a POST", async () => {
    const put = await read({ method: "PUT", query: `Proposal=${GUID}&Status=10`, body: INSTALLMENTS });
    expect(put.type).toBe("bmp.proposal.assigned");
    expect(put.payload).toEqual({ kind: "json", value: JSON.parse(INSTALLMENTS) });
  });

  it("uses the query as data for a POST with an empty body", async () => {
    const notification = await read({ method: "POST", query: "proposal=P1&status=6", body: "" });
    expect(notification.payload).toEqual({ kind: "json", value: { proposal: "P1", status: "6" } });
  });

  it("keeps a body that is not JSON as text with its content type, since the query says everything", async () => {
    const notification = await read({
      method: "POST",
      query: "proposal=P1&status=9",
      headers: { "content-type": "text/plain" },
      body: "00 - Credit or debit made",
    });
    expect(notification.type).toBe("bmp.proposal.paid");
    expect(notification.payload).toEqual({ kind: "text", contentType: "text/plain", text: "00 - Credit or debit made" });
  });

  it("gives the same callback sent twice the same id, and another status another id", async () => {
    const approved = await read({ method: "GET", query: "proposal=P1&status=2" });
    const again = await read({ method: "POST", query: "Proposal=P1&Status=2", body: INSTALLMENTS });
    const paid = await read({ method: "GET", query: "proposal=P1&status=9" });
    expect(again.id).toBe(approved.id);
    expect(paid.id).not.toBe(approved.id);
  });

  it("refuses a proposal without a numeric status", async () => {
    expect(await refused(bmp, providerRequest({ method: "GET", query: "proposal=P1" }), source)).toMatch(/status/);
    expect(await refused(bmp, providerRequest({ method: "GET", query: "proposal=P1&status=x" }), source)).toMatch(/status/);
  });

  it("refuses a GET without a proposal", async () => {
    expect(await refused(bmp, providerRequest({ method: "GET", query: "status=2" }), source)).toMatch(/proposal/);
  });
});

describe("the bmp adapter's contract events", () => {
  it.each([
    { body: SCHEDULE_CANCELED, type: "bmp.contract.schedule_canceled", idPrefix: "3543743:1:" },
    { body: SURCHARGE_DISCOUNT, type: "bmp.contract.surcharge_discount", idPrefix: "3543753:2:" },
    { body: INSTALLMENT_POSTING, type: "bmp.contract.installment_posting", idPrefix: "3543603:3:" },
    { body: DUE_DATE_EXTENSION, type: "bmp.contract.due_date_extension", idPrefix: "3543603:4:" },
    { body: BOLETO_ISSUED, type: "bmp.contract.boleto_issued", idPrefix: "3544197:5:" },
    { body: BOLETO_CANCELED, type: "bmp.contract.boleto_canceled", idPrefix: "3541909:6:" },
  ])("reads the documented example as $type, keyed by NroProposta, TipoEvento and a content hash", async ({ body, type, idPrefix }) => {
    const notification = await read({ method: "POST", body });
    expect(notification.type).toBe(type);
    expect(notification.id).toMatch(new RegExp(`^${idPrefix}[0-9a-f]{16}$`));
    expect(notification.subject).toBe(idPrefix.split(":")[0]);
    expect(notification.payload).toEqual({ kind: "json", value: JSON.parse(body) });
  });

  it("gives a contract event no event time, since DtEvento is a date without an instant", async () => {
    expect((await read({ method: "POST", body: SCHEDULE_CANCELED })).time).toBeUndefined();
  });

  it("refuses the TipoEvento 6 example as documented, which is not valid JSON", async () => {
    const reason = await refused(bmp, providerRequest({ method: "POST", body: BOLETO_CANCELED_AS_DOCUMENTED }), source);
    expect(reason).toMatch(/JSON/);
  });

  it("maps a TipoEvento it does not know to bmp.contract.event_<n>", async () => {
    const body = JSON.stringify({ ...JSON.parse(SCHEDULE_CANCELED), TipoEvento: 9 });
    expect((await read({ method: "PUT", body })).type).toBe("bmp.contract.event_9");
  });

  it("reads TipoEvento and NroProposta as strings too", async () => {
    const body = JSON.stringify({ ...JSON.parse(SURCHARGE_DISCOUNT), TipoEvento: "2", NroProposta: "AB-3543753" });
    const notification = await read({ method: "POST", body });
    expect(notification.type).toBe("bmp.contract.surcharge_discount");
    expect(notification.subject).toBe("AB-3543753");
  });

  it("ignores fields BMP adds later", async () => {
    const body = JSON.stringify({ ...JSON.parse(BOLETO_ISSUED), NovoCampo: { x: 1 } });
    expect((await read({ method: "POST", body })).type).toBe("bmp.contract.boleto_issued");
  });

  it("gives the same event sent twice the same id", async () => {
    const first = await read({ method: "POST", body: INSTALLMENT_POSTING });
    const second = await read({ method: "POST", body: INSTALLMENT_POSTING });
    expect(second.id).toBe(first.id);
  });

  it("gives two events of the same kind on the same proposal different ids", async () => {
    const other = JSON.parse(INSTALLMENT_POSTING);
    other.LancamentoParcela.NroParcela = 2;
    const first = await read({ method: "POST", body: INSTALLMENT_POSTING });
    const second = await read({ method: "POST", body: JSON.stringify(other) });
    expect(second.id).not.toBe(first.id);
  });

  it("refuses a body without TipoEvento or NroProposta, and an empty POST without a proposal", async () => {
    const { TipoEvento: _t, ...noType } = JSON.parse(SCHEDULE_CANCELED);
    const { NroProposta: _n, ...noProposal } = JSON.parse(SCHEDULE_CANCELED);
    expect(await refused(bmp, providerRequest({ body: JSON.stringify(noType) }), source)).toMatch(/TipoEvento/);
    expect(await refused(bmp, providerRequest({ body: JSON.stringify(noProposal) }), source)).toMatch(/NroProposta/);
    expect(await refused(bmp, providerRequest({ body: "" }), source)).toMatch(/empty/);
  });

  it("refuses an installment body that comes without the query that says which proposal it is", async () => {
    expect(await refused(bmp, providerRequest({ body: INSTALLMENTS }), source)).toMatch(/TipoEvento/);
  });
});

describe("the bmp adapter", () => {
  it("accepts GET, POST and PUT by default", () => {
    expect(bmp.defaultMethods).toEqual(["GET", "POST", "PUT"]);
  });

  it("makes exactly one notification per callback", async () => {
    expect(await accepted(bmp, providerRequest({ body: SCHEDULE_CANCELED }), source)).toHaveLength(1);
  });
});
