import * as z from "zod";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/**
 * What provider/adapters/pix.ts (with pix-items.ts and pix-automatico.ts) produces: Banco
 * Central's API Pix callbacks, `{url}/pix`, `{url}/rec` and `{url}/cobr` (docs/pix.md).
 */

const text = z.union([z.string(), z.number()]);

export const PixRefund = z.looseObject({
  id: text.nullish(),
  rtrId: z.string().nullish(),
  valor: text.nullish(),
  horario: z.looseObject({ solicitacao: z.string().nullish(), liquidacao: z.string().nullish() }).nullish(),
  status: z.string().nullish().describe("EM_PROCESSAMENTO, DEVOLVIDO or NAO_REALIZADO: the type's last word"),
  motivo: z.string().nullish(),
});

/** One item of `{"pix": [...]}` (Banco Central's `Pix` schema). */
export const PixItem = z
  .looseObject({
    endToEndId: text.describe("The Pix's end-to-end id: the dedup key"),
    txid: text.nullish().describe("The charge's id: the envelope's subject when present"),
    valor: text.nullish(),
    chave: z.string().nullish(),
    horario: z.string().nullish().describe("When the Pix was settled: the envelope's time"),
    infoPagador: z.string().nullish(),
    tipo: z.string().nullish().describe("Present on a Pix the account sent (some PSPs report those here)"),
    status: z.string().nullish(),
    devolucoes: z.union([PixRefund, z.array(PixRefund)]).nullish(),
  })
  .describe("One Pix, as the PSP sent it");

/** A refund's data: its Pix's identifying fields and that refund alone in `devolucoes`. */
export const PixRefundData = z
  .looseObject({
    endToEndId: text.nullish(),
    txid: text.nullish(),
    valor: text.nullish(),
    horario: z.string().nullish(),
    chave: z.string().nullish(),
    devolucoes: z.union([PixRefund, z.array(PixRefund).length(1)]),
  })
  .describe("The Pix a refund reverses (endToEndId, txid, valor, horario, chave) and the refund");

const Atualizacao = z.looseObject({ status: z.string().nullish(), data: z.string().nullish() });
const Atualizacoes = z.union([Atualizacao, z.array(Atualizacao)]);

export const PixRecurrence = z
  .looseObject({ idRec: text, status: z.string(), atualizacao: Atualizacoes.nullish() })
  .describe("A Pix Automático recurrence (RecNotification)");
export const PixRecurringCharge = z
  .looseObject({
    txid: text,
    status: z.string(),
    atualizacao: Atualizacoes.nullish(),
    tentativas: z.array(z.looseObject({ atualizacao: Atualizacoes.nullish() })).nullish(),
  })
  .describe("A Pix Automático recurring charge (CobRNotification)");

const E2E = "E1234567820260501120000000000001";
const received = {
  endToEndId: E2E,
  txid: "c3e0e7a4e7f1469a9f782d3d4999343c",
  valor: "110.00",
  chave: "pix@loja.example",
  horario: "2026-05-01T12:00:00.358Z",
  infoPagador: "pedido 981",
};
const refund = {
  id: "D1",
  rtrId: "D12345678202605011200abcdf098765",
  valor: "10.00",
  horario: { solicitacao: "2026-05-01T13:00:00.000Z" },
  status: "EM_PROCESSAMENTO",
};

export const pixEventTypes: EventTypeEntry[] = [
  {
    type: "pix.received",
    sources: ["pix"],
    description: "A Pix the account received.",
    data: PixItem,
    example: exampleEnvelope("pix", E2E, "pix.received", received, { subject: received.txid, time: received.horario }),
  },
  {
    type: "pix.sent.*",
    sources: ["pix"],
    description: "A Pix the account sent, by its status (REALIZADO, NAO_REALIZADO…), as some PSPs report on the same callback.",
    data: PixItem,
    example: exampleEnvelope(
      "pix",
      `${E2E}:sent:REALIZADO`,
      "pix.sent.REALIZADO",
      { ...received, tipo: "SOLICITACAO", status: "REALIZADO" },
      { subject: received.txid },
    ),
  },
  {
    type: "pix.refund.*",
    sources: ["pix"],
    description: "A refund of a Pix, by its status (EM_PROCESSAMENTO, DEVOLVIDO, NAO_REALIZADO).",
    data: PixRefundData,
    example: exampleEnvelope(
      "pix",
      `${E2E}:refund:D1:EM_PROCESSAMENTO`,
      "pix.refund.EM_PROCESSAMENTO",
      { endToEndId: E2E, txid: received.txid, valor: received.valor, horario: received.horario, chave: received.chave, devolucoes: [refund] },
      { subject: received.txid },
    ),
  },
  {
    type: "pix.recurrence.*",
    sources: ["pix"],
    description: "A Pix Automático recurrence, by its status (CRIADA, APROVADA, REJEITADA, EXPIRADA, CANCELADA).",
    data: PixRecurrence,
    example: exampleEnvelope("pix", "RR1234567820260501abcdefghijk:APROVADA", "pix.recurrence.APROVADA", {
      idRec: "RR1234567820260501abcdefghijk",
      status: "APROVADA",
      atualizacao: [
        { status: "CRIADA", data: "2026-05-01T10:00:00Z" },
        { status: "APROVADA", data: "2026-05-01T11:00:00Z" },
      ],
    }),
  },
  {
    type: "pix.recurring_charge.*",
    sources: ["pix"],
    description: "A Pix Automático recurring charge, by its status (CRIADA, ATIVA, CONCLUIDA, EXPIRADA, REJEITADA, CANCELADA).",
    data: PixRecurringCharge,
    example: exampleEnvelope("pix", "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4:CONCLUIDA", "pix.recurring_charge.CONCLUIDA", {
      txid: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4",
      status: "CONCLUIDA",
      atualizacao: [{ status: "CONCLUIDA", data: "2026-05-01T11:00:00Z" }],
      tentativas: [{ atualizacao: [{ status: "PAGA", data: "2026-05-01T11:00:00Z" }] }],
    }),
  },
];
