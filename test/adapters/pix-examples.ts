/**
 * Published examples, verbatim (YAML rendered as JSON, `$ref`s resolved, invalid values kept):
 * Banco Central's `bacen/pix-api` openapi.yaml 2.8.1 (components/examples), and Efí's
 * "Webhooks" page (https://dev.efipay.com.br/docs/api-pix/webhooks/, "Recebendo Callbacks").
 * Each is a fresh object, so a test may change it.
 */

// ---------------------------------------------------------------- Banco Central: {url}/pix

/** `pixWebhook1`: its `devolucoes` is one object, not the list the schema says. */
export const pixWebhook1 = () => ({
  endToEndId: "E12345678202009091221kkkkkkkkkkk",
  txid: "c3e0e7a4e7f1469a9f782d3d4999343c",
  valor: "110.00",
  horario: "2020-09-09T20:15:00.358Z",
  infoPagador: "0123456789",
  devolucoes: {
    id: "123ABC",
    rtrId: "D12345678202009091221abcdf098765",
    valor: "10.00",
    horario: {
      solicitacao: "2020-09-09T20:15:00.358Z",
    },
    status: "EM_PROCESSAMENTO",
  },
});

export const pixWebhook2 = () => ({
  endToEndId: "E87654321202009091221dfghi123456",
  txid: "971122d8f37211eaadc10242ac120002",
  valor: "110.00",
  horario: "2020-09-09T20:15:00.358Z",
  infoPagador: "0123456789",
});

/** `WebhookPixBody`'s example: `{"pix": [pixWebhook1, pixWebhook2]}`. */
export const webhookPixBody = () => ({ pix: [pixWebhook1(), pixWebhook2()] });

export const devolucaoResponse1 = () => ({
  id: "123456",
  rtrId: "D12345678202009091000abcde123456",
  valor: "7.89",
  horario: {
    solicitacao: "2020-09-11T15:25:59.411Z",
  },
  status: "EM_PROCESSAMENTO",
});

export const devolucaoResponse2 = () => ({
  id: "502",
  rtrId: "D12345678202011111000fghij789012",
  valor: "20.00",
  horario: {
    solicitacao: "2020-09-11T15:25:59.411Z",
  },
  status: "NAO_REALIZADO",
  motivo: "Negado por timeout",
});

// ---------------------------------------------------------------- Banco Central: GET /pix

export const pixResponse1 = () => ({
  endToEndId: "E12345678202009091221abcdef12345",
  txid: "cd1fe328c875481285a6f233ae41b662",
  valor: "100.00",
  horario: "2020-09-10T13:03:33.902Z",
  infoPagador: "Reforma da casa",
  devolucoes: [
    {
      id: "000AAA111",
      rtrId: "D12345678202009091000abcde123456",
      valor: "11.00",
      horario: {
        solicitacao: "2020-09-10T13:03:33.902Z",
      },
      status: "EM_PROCESSAMENTO",
    },
  ],
});

/** 34 characters of endToEndId, against the spec's own 32-character pattern. */
export const pixResponse2 = () => ({
  endToEndId: "E12345678202009091221ghijk78901234",
  txid: "5b933948f3224266b1050ac54319e775",
  valor: "200.00",
  horario: "2020-09-10T13:03:33.902Z",
  infoPagador: "Revisão do carro",
});

export const pixResponse3 = () => ({
  endToEndId: "E88631478202009091221ghijk78901234",
  txid: "82433415910c47e5adb6ac3527cca160",
  valor: "200.00",
  componentesValor: {
    original: {
      valor: "180.00",
    },
    saque: {
      valor: "20.00",
      modalidadeAgente: "AGPSS",
      prestadorDeServicoDeSaque: "12345678",
    },
  },
  horario: "2020-09-10T13:03:33.902Z",
  infoPagador: "Saque Pix",
});

/** `getPix1`: says 2 items in all and carries 3. */
export const getPix1 = () => ({
  parametros: {
    inicio: "2020-04-01T00:00:00Z",
    fim: "2020-04-01T23:59:59Z",
    paginacao: {
      paginaAtual: 0,
      itensPorPagina: 100,
      quantidadeDePaginas: 1,
      quantidadeTotalDeItens: 2,
    },
  },
  pix: [pixResponse1(), pixResponse2(), pixResponse3()],
});

// ---------------------------------------------------------------- Banco Central: Pix Automático

/** `recWebhookNotification1` (`POST {url}/rec`). */
export const recWebhookNotification1 = () => ({
  recs: [
    {
      idRec: "RR1026652320240821lab77511abf",
      status: "APROVADA",
      atualizacao: [
        {
          status: "CRIADA",
          data: "2024-08-20T10:12:07.567Z",
        },
        {
          status: "APROVADA",
          data: "2024-08-22T12:43:53.337Z",
        },
      ],
      ativacao: {
        tipoJornada: "JORNADA_3",
        dadosJornada: {
          txid: "r9eFIFmwcZ55Nm4RsKZAAtIvvCrlcNN6",
        },
      },
    },
  ],
});

/** `cobRWebhookNotification1` (`POST {url}/cobr`): `dataLiquidacao` has month 20, the tentativa no atualizacao. */
export const cobRWebhookNotification1 = () => ({
  cobsr: [
    {
      idRec: "RR1234567820240115abcdefghijk",
      txid: "3136957d93134f2184b369e8f1c0729d",
      status: "ATIVA",
      atualizacao: [
        {
          status: "ATIVA",
          data: "2024-08-20T12:34:21.300Z",
        },
      ],
      tentativas: [
        {
          dataLiquidacao: "2024-20-08",
          tipo: "AGND",
          status: "SOLICITADA",
          endToEndId: "E12345678202406201221abcdef12345",
        },
      ],
    },
  ],
});

// ---------------------------------------------------------------- Efí: Pix sent, on the /pix callback

/** "Pix enviado": a 26-character endToEndId, no txid. */
export const efiPixSent = () => ({
  pix: [
    {
      endToEndId: "E090893562021030PIf25a7868",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      tipo: "SOLICITACAO",
      status: "REALIZADO",
      valor: "0.01",
      horario: "2021-03-04T20:39:47.000Z",
      gnExtras: {
        idEnvio: "123ABC",
      },
    },
  ],
});

/** "Pix rejeitado": the same endToEndId, `horario` null. */
export const efiPixRejected = () => ({
  pix: [
    {
      endToEndId: "E090893562021030PIf25a7868",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      tipo: "SOLICITACAO",
      status: "NAO_REALIZADO",
      valor: "0.01",
      horario: null,
      infoPagador: "0123456789",
      gnExtras: {
        idEnvio: "123ABC",
        erro: {
          codigo: "AC03",
          origem: "PSP do usuário recebedor",
          motivo: "Número da agência e/ou conta transacional do usuário recebedor inexistente ou inválido",
        },
      },
    },
  ],
});

/** "Pix recebido": a 26-character endToEndId, a 23-character txid. */
export const efiPixReceived = () => ({
  pix: [
    {
      endToEndId: "E1803615022211340s08793XPJ",
      txid: "fc9a43k6ff384ryP5f41719",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      valor: "0.01",
      horario: "2020-12-21T13:40:34.000Z",
      infoPagador: "pagando o pix",
    },
  ],
});

/** "Devolução enviada". */
export const efiRefundSent = () => ({
  pix: [
    {
      endToEndId: "E12345678202009091221syhgfgufg",
      txid: "c3e0e7a4e7f1469a9f782d3d4999343c",
      chave: "2c3c7441-b91e-4982-3c25-6105581e18ae",
      valor: "110.00",
      horario: "2020-09-09T20:15:00.358Z",
      infoPagador: "0123456789",
      devolucoes: [
        {
          id: "123ABC",
          rtrId: "D12345678202009091221abcdf098765",
          valor: "110.00",
          horario: {
            solicitacao: "2020-09-09T20:15:00.358Z",
          },
          status: "DEVOLVIDO",
        },
      ],
    },
  ],
});
