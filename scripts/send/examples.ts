/**
 * The notifications `npm run send` sends when no FILE is given: the providers' own examples
 * where their documents have one (shared/seeds), otherwise realistic ones built from the
 * documented fields. Each is a fresh object, so callers may change it.
 */

/** NS Tecnologia, BP-e contingency: the document's "Authorized document" example, verbatim. */
export const nsBpeAuthorized = () => ({
  status: 200,
  motivo: "Consulta realizada com sucesso",
  chBPe: "43221007364617000135630050000030302223853846",
  cStat: "100",
  xMotivo: "Autorizado o uso do BP-e",
  nProt: "143220000303255",
  dhRecbto: "2022-10-04T11:33:50-03:00",
});

/**
 * BS2 collection webhook. The document lists the fields but shows no body; this one is a
 * settled boleto (StatusBoleto.Status 3, Situacao 4), the notification that means money arrived.
 */
export const bs2BoletoSettled = () => ({
  Id: "b7e4c2a1-5d3f-4e8a-9c6b-2f1d0e9a8b7c",
  DataNotificacao: "2024-09-05T10:00:02-03:00",
  NossoNumeroBoleto: "00012345",
  SeuNumeroBoleto: "PEDIDO-2024-0917",
  Valor: 150.75,
  ValorLiquidado: 150.75,
  SituacaoDescricao: "Boleto liquidado",
  Situacao: 4,
  StatusBoleto: {
    Status: 3,
    Descricao: "Boleto liquidado/baixado - crédito efetuado em CC",
    DataStatus: "2024-09-05T10:00:00-03:00",
  },
});

/**
 * BS2 SPI notification. ILLUSTRATIVE ONLY: BS2's document names the events but gives no body,
 * so these field names are a guess in BS2's style; the gateway's bs2-spi adapter reads them
 * leniently (event from the URL, id from `id`, subject from `endToEndId`).
 */
export const bs2SpiNotification = (event: string) => ({
  id: "0d5c3b7a-9e1f-4a2b-8c6d-4e3f2a1b0c9d",
  evento: event,
  endToEndId: "E12345678202409051300a1b2c3d4e5f",
  status: "Sucesso",
  valor: 110.0,
  dataHora: "2024-09-05T10:00:00-03:00",
  pagador: { nome: "Maria da Silva", ispb: "12345678", agencia: "0001", conta: "123456-7" },
  recebedor: { ispb: "71027866", agencia: "0001", conta: "987654-3" },
});

/** Banco Central's Pix webhook (API Pix, `POST {url}/pix`): the shape of its received-Pix example. */
export const pixReceived = () => ({
  pix: [
    {
      endToEndId: "E12345678202009091221kkkkkkkkkkk",
      txid: "655dfdb1a4514b8fbb58254b958913fb",
      valor: "110.00",
      horario: "2020-09-09T20:15:00.358Z",
      infoPagador: "0123456789",
    },
  ],
});

/** A received Pix whose refund was settled: Efí's "Devolução enviada" example, verbatim. */
export const pixRefund = () => ({
  pix: [
    {
      endToEndId: "E12345678202009091221syhgfgufg",
      txid: "c3e0e7a4e7f1469a9f782d3d4999343c",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      valor: "110.00",
      horario: "2020-09-09T20:15:00.358Z",
      infoPagador: "0123456789",
      devolucoes: [
        { id: "123ABC", rtrId: "D12345678202009091221abcdf098765", valor: "110.00", horario: { solicitacao: "2020-09-09T20:15:00.358Z" }, status: "DEVOLVIDO" },
      ],
    },
  ],
});

/** A Pix the account sent, as Efí reports it on the same /pix callback: its "Pix enviado" example, verbatim. */
export const pixSent = () => ({
  pix: [
    {
      endToEndId: "E090893562021030PIf25a7868",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      tipo: "SOLICITACAO",
      status: "REALIZADO",
      valor: "0.01",
      horario: "2021-03-04T20:39:47.000Z",
      gnExtras: { idEnvio: "123ABC" },
    },
  ],
});

/** Pix Automático, `POST {url}/rec`: Banco Central's recWebhookNotification1, verbatim. */
export const pixRecurrence = () => ({
  recs: [
    {
      idRec: "RR1026652320240821lab77511abf",
      status: "APROVADA",
      atualizacao: [
        { status: "CRIADA", data: "2024-08-20T10:12:07.567Z" },
        { status: "APROVADA", data: "2024-08-22T12:43:53.337Z" },
      ],
      ativacao: { tipoJornada: "JORNADA_3", dadosJornada: { txid: "r9eFIFmwcZ55Nm4RsKZAAtIvvCrlcNN6" } },
    },
  ],
});

/** Pix Automático, `POST {url}/cobr`: Banco Central's cobRWebhookNotification1, verbatim (its invalid date included). */
export const pixRecurringCharge = () => ({
  cobsr: [
    {
      idRec: "RR1234567820240115abcdefghijk",
      txid: "3136957d93134f2184b369e8f1c0729d",
      status: "ATIVA",
      atualizacao: [{ status: "ATIVA", data: "2024-08-20T12:34:21.300Z" }],
      tentativas: [{ dataLiquidacao: "2024-20-08", tipo: "AGND", status: "SOLICITADA", endToEndId: "E12345678202406201221abcdef12345" }],
    },
  ],
});

/** BMP proposal status callback: the query parameters (lower case, as BMP's newer pages spell them). */
export const bmpProposalPaid = () => ({
  proposal: "7c1e5a9f3b2d4e6a8c0f1b3d5e7a9c2e",
  status: "9",
  identifier: "OP-2024-000123",
});

/** A Standard Webhooks sender's payload: `{type, timestamp, data}`. */
export const standardWebhooksInvoicePaid = () => ({
  type: "invoice.paid",
  timestamp: "2024-09-05T13:00:00Z",
  data: { invoiceId: "inv_2024_0917", amount: 15075, currency: "BRL", customer: "cus_8a7b6c" },
});

/** A generic provider's event; the source's idPath and typePath are filled in by the caller. */
export const genericEvent = (type: string) => ({
  id: "evt_demo_000001",
  type,
  created: "2024-09-05T13:00:00Z",
  data: { orderId: "ord_1001", amount: 4990, currency: "BRL" },
});
