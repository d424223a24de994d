import * as z from "zod";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/** What provider/adapters/bs2-boleto.ts and bs2-spi.ts produce. */

const stringOrNumber = z.union([z.string(), z.number()]);

export const Bs2BoletoStatus = z.looseObject({
  Status: z.union([z.number(), z.string()]).describe("1 registered, 2 paid (seen in the banking network), 3 settled (the money is in the account), 4 canceled"),
  Descricao: z.string().nullish(),
  DataStatus: z.string().nullish().describe("When the status was reached (ISO 8601): the envelope's time"),
});

/** BS2's boleto notification (docs/providers.md, "BS2 boletos"). */
export const Bs2BoletoData = z
  .looseObject({
    Id: stringOrNumber.describe("BS2's notification code"),
    DataNotificacao: z.string().nullish(),
    NossoNumeroBoleto: stringOrNumber.nullish().describe("The boleto's number at the bank: the envelope's subject"),
    SeuNumeroBoleto: stringOrNumber.nullish().describe("The issuer's own number for the boleto"),
    Valor: stringOrNumber.nullish(),
    ValorLiquidado: stringOrNumber.nullish(),
    SituacaoDescricao: z.string().nullish(),
    Situacao: z.number().nullish(),
    StatusBoleto: z.union([Bs2BoletoStatus, z.array(Bs2BoletoStatus)]).describe("The status, or a list of them (the latest by DataStatus counts)"),
  })
  .describe("A BS2 boleto notification, as BS2 sent it");

const DESCRICAO: Record<number, string> = {
  1: "Boleto registrado",
  2: "Boleto pago",
  3: "Boleto liquidado/baixado - crédito efetuado na CC",
  4: "Boleto cancelado",
};

const boleto = (status: number) => ({
  Id: "6f1c2d9a-0b7e-4c55-9d1e-000000000042",
  DataNotificacao: "2026-05-01T09:00:05-03:00",
  NossoNumeroBoleto: "00012345",
  SeuNumeroBoleto: "PEDIDO-981",
  Valor: "150.00",
  ValorLiquidado: status === 3 ? "150.00" : "0.00",
  StatusBoleto: { Status: status, Descricao: DESCRICAO[status] ?? "Outro", DataStatus: "2026-05-01T09:00:00-03:00" },
});

const boletoEntry = (type: string, status: number, description: string): EventTypeEntry => ({
  type,
  sources: ["bs2-boleto"],
  description,
  data: Bs2BoletoData,
  example: exampleEnvelope("bs2", `6f1c2d9a-0b7e-4c55-9d1e-000000000042:${status}`, type, boleto(status), { subject: "00012345" }),
});

/** BS2's SPI notifications: the document does not show the payload, so it is any JSON, kept whole. */
export const Bs2SpiData = z.unknown().describe("BS2's SPI notification as sent (its fields are not documented)");

const SPI_EVENTS = [
  "recebimento_finalizado",
  "devolucao_finalizada",
  "pagamento_finalizado",
  "restituicao_finalizada",
  "validacao_recebimento",
  "validacao_restituicao",
  "validacao_recebimento_canal_secundario",
];

export const bs2EventTypes: EventTypeEntry[] = [
  boletoEntry("bs2.boleto.registered", 1, "A boleto was registered (status 1)."),
  boletoEntry("bs2.boleto.paid", 2, "A payment was seen in the banking network (status 2); it may still fail. Not money in the account."),
  boletoEntry("bs2.boleto.settled", 3, "The money reached the account (status 3)."),
  boletoEntry("bs2.boleto.canceled", 4, "The boleto was canceled (status 4)."),
  boletoEntry("bs2.boleto.status_*", 7, "A status BS2 has not documented: status_<n>."),
  ...[...SPI_EVENTS, "unknown"].map((event) => ({
    type: `bs2.spi.${event}`,
    sources: ["bs2-spi" as const],
    description: event === "unknown" ? "A notification that names no event." : `BS2's ${event} notification (the registered route's event, in snake_case).`,
    data: Bs2SpiData,
    example: exampleEnvelope(
      "bs2-spi",
      `${event}:E1234567820260501120000000000001`,
      `bs2.spi.${event}`,
      { endToEndId: "E1234567820260501120000000000001" },
      { subject: "E1234567820260501120000000000001" },
    ),
  })),
  {
    type: "bs2.spi.*",
    sources: ["bs2-spi"],
    description: "Any other event a route was registered for, in snake_case.",
    data: Bs2SpiData,
    example: exampleEnvelope("bs2-spi", "outro_evento:42", "bs2.spi.outro_evento", { id: "42" }),
  },
];
