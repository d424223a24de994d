import { describe, expect, it } from "vitest";
import { bs2Spi } from "../../src/adapters/bs2-spi";
import { acceptedOne, HEX_SHA256, providerRequest, refused, sourceFor } from "./provider-request";

// BS2's document lists the events but shows no payload: these bodies are illustrative.
const source = sourceFor("bs2-spi");
const read = (rest: string, body: unknown) =>
  acceptedOne(bs2Spi, providerRequest({ rest, body: typeof body === "string" ? body : JSON.stringify(body) }), source);

const RECEIPT = { endToEndId: "E00000000202409051300abcdef123456", valor: 10.5, status: "SUCESSO" };
/** SHA-256 of the two bytes "{}". */
const SHA256_OF_EMPTY_OBJECT = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

describe("the bs2-spi adapter", () => {
  it.each([
    ["RecebimentoFinalizado", "bs2.spi.recebimento_finalizado"],
    ["DevolucaoFinalizada", "bs2.spi.devolucao_finalizada"],
    ["PagamentoFinalizado", "bs2.spi.pagamento_finalizado"],
    ["RestituicaoFinalizada", "bs2.spi.restituicao_finalizada"],
    ["ValidacaoRecebimento", "bs2.spi.validacao_recebimento"],
    ["ValidacaoRestituicao", "bs2.spi.validacao_restituicao"],
    ["ValidacaoRecebimentoCanalSecundario", "bs2.spi.validacao_recebimento_canal_secundario"],
  ])("takes the event %s from the route path and calls it %s", async (event, type) => {
    expect((await read(event, RECEIPT)).type).toBe(type);
  });

  it("takes the event from the payload when the path has none, whatever the field's letter case", async () => {
    expect((await read("", { ...RECEIPT, evento: "PagamentoFinalizado" })).type).toBe("bs2.spi.pagamento_finalizado");
    expect((await read("", { ...RECEIPT, Evento: "DevolucaoFinalizada" })).type).toBe("bs2.spi.devolucao_finalizada");
    expect((await read("", { ...RECEIPT, TIPOEVENTO: "ValidacaoRestituicao" })).type).toBe("bs2.spi.validacao_restituicao");
    expect((await read("", { ...RECEIPT, type: "recebimentoFinalizado" })).type).toBe("bs2.spi.recebimento_finalizado");
  });

  it("trusts the registered route over the payload when both name an event", async () => {
    const notification = await read("RecebimentoFinalizado", { ...RECEIPT, evento: "PagamentoFinalizado" });
    expect(notification.type).toBe("bs2.spi.recebimento_finalizado");
  });

  it("reads the last segment of a longer path, and tolerates a trailing slash", async () => {
    expect((await read("pix/RecebimentoFinalizado/", RECEIPT)).type).toBe("bs2.spi.recebimento_finalizado");
  });

  it("passes an event the document does not list as a type of its own", async () => {
    expect((await read("EstornoIniciado", RECEIPT)).type).toBe("bs2.spi.estorno_iniciado");
  });

  it("keeps a notification that names no event at all as bs2.spi.unknown", async () => {
    expect((await read("", RECEIPT)).type).toBe("bs2.spi.unknown");
  });

  it("uses the payload's own id, with the event, as the notification id", async () => {
    const notification = await read("RecebimentoFinalizado", { ...RECEIPT, idNotificacao: "ntf-42" });
    expect(notification.id).toBe("recebimento_finalizado:ntf-42");
  });

  it("falls back to the end-to-end id, in any letter case, and makes it the subject", async () => {
    const notification = await read("RecebimentoFinalizado", { EndToEndId: RECEIPT.endToEndId });
    expect(notification.id).toBe(`recebimento_finalizado:${RECEIPT.endToEndId}`);
    expect(notification.subject).toBe(RECEIPT.endToEndId);
  });

  it("uses the SHA-256 of the body when the payload has no id", async () => {
    const notification = await read("RecebimentoFinalizado", "{}");
    expect(notification.id).toBe(`recebimento_finalizado:${SHA256_OF_EMPTY_OBJECT}`);
    expect(notification.subject).toBeUndefined();
  });

  it("skips an id field that holds nothing readable", async () => {
    const notification = await read("PagamentoFinalizado", { id: null, endToEndId: "E1" });
    expect(notification.id).toBe("pagamento_finalizado:E1");
  });

  it("gives the same notification sent twice the same id", async () => {
    expect((await read("RecebimentoFinalizado", RECEIPT)).id).toBe((await read("RecebimentoFinalizado", RECEIPT)).id);
    expect((await read("", { a: 1 })).id).toBe((await read("", { a: 1 })).id);
  });

  it("gives the validation and the completion of the same Pix different ids", async () => {
    const validation = await read("ValidacaoRecebimento", RECEIPT);
    const completion = await read("RecebimentoFinalizado", RECEIPT);
    expect(validation.subject).toBe(completion.subject);
    expect(validation.id).not.toBe(completion.id);
  });

  it("hashes an id that would be too long for a KV key", async () => {
    const notification = await read("RecebimentoFinalizado", { endToEndId: "E".repeat(300) });
    expect(notification.id).toMatch(HEX_SHA256);
    expect(notification.subject).toBe("E".repeat(300));
  });

  it("keeps the payload as it came", async () => {
    const body = { ...RECEIPT, novoCampo: [1, 2] };
    expect((await read("RecebimentoFinalizado", body)).payload).toEqual({ kind: "json", value: body });
  });

  it("refuses broken JSON and an empty body", async () => {
    expect(await refused(bs2Spi, providerRequest({ rest: "RecebimentoFinalizado", body: "{" }), source)).toMatch(/JSON/);
    expect(await refused(bs2Spi, providerRequest({ rest: "RecebimentoFinalizado", body: "" }), source)).toMatch(/empty/);
  });
});
