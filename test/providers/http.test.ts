import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BOLETO_CANCELED_AS_DOCUMENTED, BOLETO_ISSUED, INSTALLMENTS, SCHEDULE_CANCELED } from "../adapters/bmp-examples";
import { AUTHORIZED, DOCUMENTED_AUTHORIZATION, REJECTED } from "../adapters/ns-bpe-examples";
import { EC_FINGERPRINT } from "../certificates/fixtures";
import { basic, callWorker, recordingQueue, uniqueId, verifiedClientCertificate } from "../helpers";

// Each provider through the whole HTTP path: its auth, its adapter, dedup and the queue.

const BMP_HMAC = "5d41402abc4b19d911017c592";

const config = {
  sources: {
    // The credentials inside the Authorization header NS's document shows: nstecnologia / senha!2#.
    "ns-bpe": { provider: "ns-bpe", auth: [{ type: "basic", username: "nstecnologia", password: "senha!2#" }] },
    "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "basic", username: "bs2", password: "boleto:pass" }] },
    "bs2-spi": { provider: "bs2-spi", auth: [{ type: "bearer", token: "spi-token" }] },
    pix: { provider: "pix", mtls: { fingerprintsSha256: [EC_FINGERPRINT] }, auth: [{ type: "none" }] },
    bmp: { provider: "bmp", auth: [{ type: "header", name: "Authorization", prefix: "HMAC ", value: BMP_HMAC }] },
  },
  routes: [{ id: "all", events: ["*"], url: "https://erp.internal.example/hooks" }],
};

function gateway() {
  const recorder = recordingQueue();
  const send = (path: string, init: RequestInit = {}) =>
    callWorker(new Request(`https://hooks.example.com${path}`, { method: "POST", ...init }), {
      GATEWAY_CONFIG: JSON.stringify(config),
      DELIVERIES: recorder.queue,
    });
  const envelopes = () => recorder.sent.map((m) => m.envelope!);
  return { send, envelopes };
}

const json = { "content-type": "application/json" };

describe("NS Tecnologia BP-e contingency", () => {
  const headers = { ...json, Authorization: DOCUMENTED_AUTHORIZATION };

  it("takes the authorized and the rejected document with NS's own Basic header", async () => {
    const { send, envelopes } = gateway();
    const authorized = await send("/hooks/ns-bpe", { body: AUTHORIZED, headers });
    const rejected = await send("/hooks/ns-bpe", { body: REJECTED, headers });
    expect(authorized.status).toBe(202);
    expect(rejected.status).toBe(202);
    expect((await authorized.json<{ ids: string[] }>()).ids).toEqual(["ns-bpe:43221007364617000135630050000030302223853846:100"]);
    expect((await rejected.json<{ ids: string[] }>()).ids).toEqual(["ns-bpe:43221007364617000135630050000030312988464429:417"]);
    expect(envelopes().map((e) => e.type)).toEqual(["ns.bpe.authorized", "ns.bpe.rejected"]);
  });

  it("takes the authorization time from dhRecbto and the subject from chBPe", async () => {
    const { send, envelopes } = gateway();
    const chBPe = `4322${Date.now()}${Math.floor(Math.random() * 1e9)}`.slice(0, 44);
    const response = await send("/hooks/ns-bpe", { body: AUTHORIZED.replace("43221007364617000135630050000030302223853846", chBPe), headers });
    expect(response.status).toBe(202);
    expect(envelopes()[0]).toMatchObject({ type: "ns.bpe.authorized", subject: chBPe, time: "2022-10-04T11:33:50-03:00" });
  });

  it("refuses the document with another password", async () => {
    const { send } = gateway();
    const response = await send("/hooks/ns-bpe", { body: AUTHORIZED, headers: { ...json, Authorization: basic("nstecnologia", "senha!2") } });
    expect(response.status).toBe(401);
  });
});

describe("BS2 boleto", () => {
  const notification = (id: string, status: number) =>
    JSON.stringify({
      Id: id,
      DataNotificacao: "2024-09-05T13:00:01Z",
      NossoNumeroBoleto: "00012345",
      SeuNumeroBoleto: "PED-1",
      Valor: "150.50",
      ValorLiquidado: 150.5,
      SituacaoDescricao: "Liquidado",
      Situacao: 4,
      StatusBoleto: [
        { Status: 2, Descricao: "Pago", DataStatus: "2024-09-05T09:00:00-03:00" },
        { Status: status, Descricao: "Liquidado", DataStatus: "2024-09-05T10:00:00-03:00" },
      ],
    });

  it("delivers another status of the same boleto as its own envelope, and a repeat as a duplicate", async () => {
    const { send, envelopes } = gateway();
    const id = uniqueId();
    const auth = { ...json, Authorization: basic("bs2", "boleto:pass") };
    expect((await send("/hooks/bs2-boleto", { body: notification(id, 3), headers: auth })).status).toBe(202);
    expect((await send("/hooks/bs2-boleto", { body: notification(id, 4), headers: auth })).status).toBe(202);
    expect((await send("/hooks/bs2-boleto", { body: notification(id, 3), headers: auth })).status).toBe(200);
    expect(envelopes().map((e) => [e.id, e.type, e.subject])).toEqual([
      [`bs2-boleto:${id}:3`, "bs2.boleto.settled", "00012345"],
      [`bs2-boleto:${id}:4`, "bs2.boleto.canceled", "00012345"],
    ]);
  });
});

describe("BS2 Pix/SPI", () => {
  const EVENTS = [
    ["RecebimentoFinalizado", "recebimento_finalizado"],
    ["DevolucaoFinalizada", "devolucao_finalizada"],
    ["PagamentoFinalizado", "pagamento_finalizado"],
    ["RestituicaoFinalizada", "restituicao_finalizada"],
    ["ValidacaoRecebimento", "validacao_recebimento"],
    ["ValidacaoRestituicao", "validacao_restituicao"],
    ["ValidacaoRecebimentoCanalSecundario", "validacao_recebimento_canal_secundario"],
  ];

  it("takes all seven events on one source, the event from the path", async () => {
    const { send, envelopes } = gateway();
    const endToEndId = `E${uniqueId()}`;
    for (const [event] of EVENTS) {
      const response = await send(`/hooks/bs2-spi/${event}`, {
        body: JSON.stringify({ endToEndId, valor: 10 }),
        headers: { ...json, Authorization: "Bearer spi-token" },
      });
      expect(response.status).toBe(202);
    }
    expect(envelopes().map((e) => e.type)).toEqual(EVENTS.map(([, snake]) => `bs2.spi.${snake}`));
    expect(new Set(envelopes().map((e) => e.id)).size).toBe(7);
    expect(envelopes().every((e) => e.subject === endToEndId)).toBe(true);
  });
});

describe("Banco Central's Pix webhook", () => {
  const post = (send: ReturnType<typeof gateway>["send"], body: unknown, fingerprint = EC_FINGERPRINT) =>
    send("/hooks/pix/pix", { body: JSON.stringify(body), headers: json, cf: { tlsClientAuth: verifiedClientCertificate(fingerprint) } } as RequestInit);

  it("turns a batch into one envelope per item and one per refund status, each deduplicated on its own", async () => {
    const { send, envelopes } = gateway();
    const a = `E${uniqueId()}`;
    const b = `E${uniqueId()}`;
    const batch = {
      pix: [
        { endToEndId: a, txid: "tx-a", valor: 110, horario: "2020-09-09T20:15:00.358Z" },
        {
          endToEndId: b,
          valor: "5.00",
          horario: "2020-09-09T20:16:00Z",
          devolucoes: { id: "D1", rtrId: "D1", valor: "5.00", status: "EM_PROCESSAMENTO", horario: { solicitacao: "2020-09-10T10:00:00Z" } },
        },
      ],
    };
    const first = await post(send, batch);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ status: "accepted", ids: [`pix:${a}`, `pix:${b}`, `pix:${b}:refund:D1:em_processamento`] });
    expect(envelopes().map((e) => e.type)).toEqual(["pix.received", "pix.received", "pix.refund.em_processamento"]);
    expect(envelopes()[0]).toMatchObject({ subject: "tx-a", time: "2020-09-09T20:15:00.358Z" });

    // The PSP sends the refund's next status with the same items: only the new status is new.
    batch.pix[1]!.devolucoes!.status = "DEVOLVIDO";
    const second = await post(send, batch);
    expect(await second.json()).toEqual({ status: "accepted", ids: [`pix:${b}:refund:D1:devolvido`], duplicates: [`pix:${a}`, `pix:${b}`] });
  });

  it("takes pix as a single object", async () => {
    const { send, envelopes } = gateway();
    const id = `E${uniqueId()}`;
    expect((await post(send, { pix: { endToEndId: id, valor: "1.00", horario: "2024-01-01T00:00:00Z" } })).status).toBe(202);
    expect(envelopes()[0]).toMatchObject({ id: `pix:${id}`, subject: id });
  });

  it("refuses a client certificate that is not pinned, and a request without one", async () => {
    const { send } = gateway();
    expect((await post(send, { pix: [] }, "ab".repeat(32))).status).toBe(403);
    expect((await send("/hooks/pix/pix", { body: "{}", headers: json })).status).toBe(403);
  });
});

describe("BMP proposal callbacks", () => {
  const auth = { Authorization: `HMAC ${BMP_HMAC}` };

  it("takes a GET status callback with capitalized parameters and an alphanumeric proposal", async () => {
    const { send, envelopes } = gateway();
    const proposal = uniqueId().replace(/-/g, "");
    const response = await send(`/hooks/bmp?Proposal=${proposal}&Status=11&Identifier=OP-7`, { method: "GET", headers: auth });
    expect(response.status).toBe(202);
    expect(envelopes()[0]).toMatchObject({
      id: expect.stringMatching(new RegExp(`^bmp:${proposal}:11@\\d{8}T\\d{6}Z$`)),
      occurrenceof: `bmp:${proposal}:11`,
      type: "bmp.proposal.pending_payment",
      subject: proposal,
      data: { Proposal: proposal, Status: "11", Identifier: "OP-7" },
    });
  });

  it("keeps a POST status callback's installment body, verbatim from BMP's document, as the data", async () => {
    const { send, envelopes } = gateway();
    const proposal = uniqueId().replace(/-/g, "");
    const response = await send(`/hooks/bmp?proposal=${proposal}&status=9`, { method: "PUT", body: INSTALLMENTS, headers: { ...json, ...auth } });
    expect(response.status).toBe(202);
    expect(envelopes()[0]).toMatchObject({ type: "bmp.proposal.paid", data: JSON.parse(INSTALLMENTS) });
  });

  it("maps the contract events of BMP's document to bmp.contract types", async () => {
    const { send, envelopes } = gateway();
    for (const body of [SCHEDULE_CANCELED, BOLETO_ISSUED]) {
      expect((await send("/hooks/bmp", { body, headers: { ...json, ...auth } })).status).toBe(202);
    }
    expect(envelopes().map((e) => [e.type, e.subject])).toEqual([
      ["bmp.contract.schedule_canceled", "3543743"],
      ["bmp.contract.boleto_issued", "3544197"],
    ]);
  });

  it("quarantines the TipoEvento 6 example as documented (it has comments, so it is not JSON)", async () => {
    const { send } = gateway();
    const response = await send("/hooks/bmp", { body: BOLETO_CANCELED_AS_DOCUMENTED, headers: { ...json, ...auth } });
    expect(response.status).toBe(202);
    const { status, id } = await response.json<{ status: string; id: string }>();
    expect(status).toBe("quarantined");
    const record = await env.STATE.get<{ kind: string; request: { headers: Record<string, string> } }>(`dl:${id}`, "json");
    expect(record?.kind).toBe("quarantine");
    expect(record?.request.headers.authorization).toBeUndefined();
  });

  it("refuses a wrong HMAC header", async () => {
    const { send } = gateway();
    expect((await send("/hooks/bmp?proposal=x&status=2", { method: "GET", headers: { Authorization: "HMAC nope" } })).status).toBe(401);
  });
});
