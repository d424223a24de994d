import { describe, expect, it } from "vitest";
import { nsBpe } from "../../src/adapters/ns-bpe";
import { AUTHORIZED, REJECTED } from "./ns-bpe-examples";
import { acceptedOne, providerRequest, refused, sourceFor } from "./provider-request";

const source = sourceFor("ns-bpe");
const read = (body: string) => acceptedOne(nsBpe, providerRequest({ body }), source);
const withCStat = (cStat: unknown) => JSON.stringify({ ...JSON.parse(REJECTED), cStat });

describe("the ns-bpe adapter", () => {
  it("reads the authorized document as ns.bpe.authorized, keyed by chBPe and cStat, at dhRecbto", async () => {
    const notification = await read(AUTHORIZED);
    expect(notification).toEqual({
      id: "43221007364617000135630050000030302223853846:100",
      type: "ns.bpe.authorized",
      subject: "43221007364617000135630050000030302223853846",
      time: "2022-10-04T11:33:50-03:00",
      payload: { kind: "json", value: JSON.parse(AUTHORIZED) },
    });
  });

  it("reads the rejected document, which has no nProt or dhRecbto, as ns.bpe.rejected without an event time", async () => {
    const notification = await read(REJECTED);
    expect(notification.type).toBe("ns.bpe.rejected");
    expect(notification.id).toBe("43221007364617000135630050000030312988464429:417");
    expect(notification.subject).toBe("43221007364617000135630050000030312988464429");
    expect(notification.time).toBeUndefined();
  });

  it("does not take status 200 for an authorization: only cStat decides", async () => {
    expect(JSON.parse(REJECTED).status).toBe(200);
    expect((await read(REJECTED)).type).toBe("ns.bpe.rejected");
  });

  it("reads a negative cStat as a rejection", async () => {
    const notification = await read(withCStat("-1"));
    expect(notification.type).toBe("ns.bpe.rejected");
    expect(notification.id).toBe("43221007364617000135630050000030312988464429:-1");
  });

  it("accepts cStat as a number and gives it the same id as the string", async () => {
    const asNumber = await read(JSON.stringify({ ...JSON.parse(AUTHORIZED), cStat: 100 }));
    expect(asNumber.type).toBe("ns.bpe.authorized");
    expect(asNumber.id).toBe((await read(AUTHORIZED)).id);
  });

  it("reads cStat 150, an authorization granted after the contingency deadline, as authorized", async () => {
    expect((await read(withCStat("150"))).type).toBe("ns.bpe.authorized");
  });

  it("gives the same notification sent twice the same id", async () => {
    expect((await read(REJECTED)).id).toBe((await read(REJECTED)).id);
  });

  it("gives another verdict on the same document another id", async () => {
    const rejected = await read(withCStat("417"));
    const authorized = await read(withCStat("100"));
    expect(rejected.subject).toBe(authorized.subject);
    expect(rejected.id).not.toBe(authorized.id);
  });

  it("reads a body that starts with a UTF-8 byte order mark", async () => {
    expect((await read(`\uFEFF${AUTHORIZED}`)).type).toBe("ns.bpe.authorized");
  });

  it("ignores fields it does not know", async () => {
    const body = JSON.stringify({ ...JSON.parse(AUTHORIZED), novoCampo: { a: 1 } });
    expect((await read(body)).type).toBe("ns.bpe.authorized");
  });

  it("refuses broken JSON", async () => {
    expect(await refused(nsBpe, providerRequest({ body: AUTHORIZED.slice(0, -2) }), source)).toMatch(/JSON/);
  });

  it("refuses an empty body", async () => {
    expect(await refused(nsBpe, providerRequest({ body: "" }), source)).toMatch(/empty/);
  });

  it("refuses a body without chBPe or without cStat", async () => {
    const { chBPe: _key, ...noKey } = JSON.parse(AUTHORIZED);
    const { cStat: _cStat, ...noCStat } = JSON.parse(AUTHORIZED);
    expect(await refused(nsBpe, providerRequest({ body: JSON.stringify(noKey) }), source)).toMatch(/chBPe/);
    expect(await refused(nsBpe, providerRequest({ body: JSON.stringify(noCStat) }), source)).toMatch(/cStat/);
  });
});
