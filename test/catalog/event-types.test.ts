import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { adapters } from "../../src/adapters";
import { dataSchema, eventTypeEntries, findEventType } from "../../src/catalog";
import type { ProviderName } from "../../src/config/schema";
import * as bmp from "../adapters/bmp-examples";
import * as nsBpe from "../adapters/ns-bpe-examples";
import * as pix from "../adapters/pix-examples";
import { providerRequest, type RequestInit, sourceFor } from "../adapters/provider-request";
import { admin, bindings, eventConfig } from "../ledger/helpers";

/**
 * The catalog against what the adapters make: each adapter is run on the published examples its
 * tests use (and the statuses their tests cover), and every notification's type must have an
 * entry for that provider whose JSON Schema its data passes.
 */

const boleto = (status: number, more: Record<string, unknown> = {}) =>
  JSON.stringify({
    Id: `b-${status}`,
    NossoNumeroBoleto: "00012345",
    Valor: "150.00",
    StatusBoleto: { Status: status, Descricao: "x", DataStatus: "2024-09-05T10:00:00-03:00" },
    ...more,
  });

const fixtures: [ProviderName, RequestInit][] = [
  ...[1, 2, 3, 4, 9].map((status): [ProviderName, RequestInit] => ["bs2-boleto", { body: boleto(status) }]),
  [
    "bs2-boleto",
    {
      body: boleto(3, {
        StatusBoleto: [
          { Status: 2, DataStatus: "2024-09-05T09:00:00-03:00" },
          { Status: 3, DataStatus: "2024-09-05T10:00:00-03:00" },
        ],
      }),
    },
  ],
  ...[
    "RecebimentoFinalizado",
    "DevolucaoFinalizada",
    "PagamentoFinalizado",
    "RestituicaoFinalizada",
    "ValidacaoRecebimento",
    "ValidacaoRestituicao",
    "ValidacaoRecebimentoCanalSecundario",
    "OutroEvento",
  ].map((rest): [ProviderName, RequestInit] => ["bs2-spi", { rest, body: JSON.stringify({ endToEndId: "E1", valor: 10 }) }]),
  ["bs2-spi", { body: JSON.stringify({ id: "x" }) }],
  ["pix", { rest: "pix", body: JSON.stringify(pix.webhookPixBody()) }],
  ...[pix.efiPixSent(), pix.efiPixRejected(), pix.efiPixReceived(), pix.efiRefundSent()].map((body): [ProviderName, RequestInit] => [
    "pix",
    { rest: "pix", body: JSON.stringify(body) },
  ]),
  ["pix", { rest: "pix", body: JSON.stringify({ pix: [{ ...pix.pixWebhook2(), devolucoes: [pix.devolucaoResponse1(), pix.devolucaoResponse2()] }] }) }],
  ["pix", { rest: "rec", body: JSON.stringify(pix.recWebhookNotification1()) }],
  ["pix", { rest: "cobr", body: JSON.stringify(pix.cobRWebhookNotification1()) }],
  ...[2, 4, 5, 6, 8, 10, 11, 99].map((status): [ProviderName, RequestInit] => ["bmp", { method: "GET", query: `proposal=P1&status=${status}&identifier=i` }]),
  ["bmp", { method: "POST", query: "proposal=P1&status=9", body: bmp.INSTALLMENTS }],
  ...[bmp.SCHEDULE_CANCELED, bmp.SURCHARGE_DISCOUNT, bmp.INSTALLMENT_POSTING, bmp.DUE_DATE_EXTENSION, bmp.BOLETO_ISSUED, bmp.BOLETO_CANCELED].map(
    (body): [ProviderName, RequestInit] => ["bmp", { body }],
  ),
  ["bmp", { body: JSON.stringify({ TipoEvento: 42, NroProposta: "P1" }) }],
  ["ns-bpe", { body: nsBpe.AUTHORIZED }],
  ["ns-bpe", { body: nsBpe.REJECTED }],
];

function validate(schema: Record<string, unknown>, value: unknown): string[] {
  const result = new Validator(schema as never, "2020-12", false).validate(value);
  return result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
}

describe("the event-type catalog", () => {
  it("has an entry, with a schema its data passes, for every type the adapters make of their examples", async () => {
    const seen = new Set<string>();
    for (const [provider, init] of fixtures) {
      const result = await adapters[provider].adapt(providerRequest(init), sourceFor(provider), 1000);
      expect(result, `${provider} ${JSON.stringify(init).slice(0, 80)}`).toMatchObject({ ok: true });
      if (!result.ok) continue;
      for (const notification of result.notifications) {
        seen.add(notification.type);
        const entry = findEventType(notification.type);
        expect(entry, `no catalog entry for ${notification.type}`).toBeDefined();
        expect(entry!.sources).toContain(provider);
        const data = notification.payload.kind === "json" ? notification.payload.value : undefined;
        expect(validate(dataSchema(entry!), data), `${notification.type}'s data`).toEqual([]);
      }
    }
    // Every entry of these providers was met by some example: none is left untested.
    const untested = eventTypeEntries.filter((entry) => ![...seen].some((type) => findEventType(type) === entry));
    expect(untested.map((e) => e.type)).toEqual([]);
  });

  it("has examples that validate against their own schema and are found under their own entry", () => {
    for (const entry of eventTypeEntries) {
      expect(validate(dataSchema(entry), entry.example.data), entry.type).toEqual([]);
      expect(findEventType(entry.example.type)).toBe(entry);
      expect(entry.example.source).toMatch(/^\/hooks\//);
    }
  });

  it("refuses data that breaks a schema, naming the path", () => {
    const entry = findEventType("bs2.boleto.settled")!;
    expect(validate(dataSchema(entry), { Id: "1", StatusBoleto: { Status: { nested: true } } }).join("\n")).toMatch(/#\/StatusBoleto/);
  });
});

describe("GET /admin/event-types", () => {
  const bound = bindings(eventConfig([]));

  it("lists every type of the catalog with its providers", async () => {
    const list = await admin<{ eventTypes: { type: string; sources: string[] }[] }>("/admin/event-types", bound);
    expect(list.status).toBe(200);
    expect(list.body.eventTypes.map((t) => t.type)).toEqual(eventTypeEntries.map((e) => e.type));
    expect(list.body.eventTypes).toContainEqual(expect.objectContaining({ type: "bs2.boleto.settled", sources: ["bs2-boleto"] }));
  });

  it("answers one type (or the glob that takes it) with its schema and an example envelope", async () => {
    const settled = await admin<{ type: string; schema: { properties: Record<string, unknown> }; example: { type: string } }>(
      "/admin/event-types/bs2.boleto.settled",
      bound,
    );
    expect(settled.status).toBe(200);
    expect(settled.body.type).toBe("bs2.boleto.settled");
    expect(Object.keys(settled.body.schema.properties)).toContain("StatusBoleto");
    expect(settled.body.example.type).toBe("bs2.boleto.settled");
    const refund = await admin<{ type: string }>(`/admin/event-types/${encodeURIComponent("pix.refund.DEVOLVIDO")}`, bound);
    expect(refund.body.type).toBe("pix.refund.*");
    expect((await admin("/admin/event-types/acme.paid", bound)).status).toBe(404);
  });
});
