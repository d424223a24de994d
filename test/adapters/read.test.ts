import { describe, expect, it } from "vitest";
import { asEventTime, asNumber, asString, field, parseJson, queryObject, queryParam, safeId, toSnakeCase } from "../../src/adapters/read";
import { sha256Hex } from "../../src/bytes";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("the shared readers", () => {
  it("hash to the known SHA-256 of 'abc'", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex(bytes("abc"))).toBe(await sha256Hex("abc"));
  });

  it("keep an id of 200 bytes and hash one of 201", async () => {
    expect(await safeId("a".repeat(200))).toBe("a".repeat(200));
    expect(await safeId("a".repeat(201))).toBe(await sha256Hex("a".repeat(201)));
  });

  it("count an id's length in UTF-8 bytes, as KV does", async () => {
    expect(await safeId("ç".repeat(101))).toMatch(/^[0-9a-f]{64}$/);
  });

  it("parse JSON after a byte order mark, and name an empty body and broken JSON apart", () => {
    expect(parseJson(bytes('\uFEFF{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson(bytes(" \n"))).toEqual({ ok: false, reason: "The body is empty." });
    expect(parseJson(bytes("{a:1}"))).toEqual({ ok: false, reason: "The body is not valid JSON." });
    expect(parseJson(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual({ ok: false, reason: "The body is not valid UTF-8." });
  });

  it("read numbers and numeric strings as numbers, and nothing else", () => {
    expect([asNumber(3), asNumber("-1"), asNumber(" 12.5 "), asNumber("02")]).toEqual([3, -1, 12.5, 2]);
    expect([asNumber("1e3"), asNumber(""), asNumber("abc"), asNumber(null), asNumber(Number.NaN)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("read strings and numbers as trimmed strings, and empty or other values as nothing", () => {
    expect([asString(" x "), asString(3543743), asString(1.4)]).toEqual(["x", "3543743", "1.4"]);
    expect([asString("  "), asString(null), asString({}), asString(true)]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("keep an ISO date-time with an offset exactly as given, and give no time for what names no instant", () => {
    expect(asEventTime("2022-10-04T11:33:50-03:00")).toBe("2022-10-04T11:33:50-03:00");
    expect(asEventTime("2020-09-10T13:03:33.902Z")).toBe("2020-09-10T13:03:33.902Z");
    for (const value of ["2024-09-05", "06-09-2024", "2024-09-05T10:00:00", "2024-13-45T99:00:00Z", "soon", 1667507170]) {
      expect(asEventTime(value)).toBeUndefined();
    }
  });

  it("turn PascalCase, camelCase, SHOUTING_CASE and accents into snake_case", () => {
    expect(toSnakeCase("ValidacaoRecebimentoCanalSecundario")).toBe("validacao_recebimento_canal_secundario");
    expect(toSnakeCase("tipoEvento")).toBe("tipo_evento");
    expect(toSnakeCase("EM_PROCESSAMENTO")).toBe("em_processamento");
    expect(toSnakeCase("PIXDevolucao")).toBe("pix_devolucao");
    expect(toSnakeCase("Acréscimo/Abatimento")).toBe("acrescimo_abatimento");
    expect(toSnakeCase("--")).toBe("");
  });

  it("turn names into snake_case exactly as the regular expressions they replace did", () => {
    // The quadratic version, kept here as the reference on short inputs.
    const reference = (value: string) =>
      value
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, "")
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")
        .toLowerCase();
    const samples = ["ABCdEFgh", "AAbBc", "a1B", "HTTPServerError", "__x__", "É_Ótimo", "x9Y", "NAO_REALIZADO", "ÀBCdé", "aB C-dE", "ß€x", "ABÉt", "Z"];
    for (const sample of samples) expect(toSnakeCase(sample), sample).toBe(reference(sample));
  });

  it("turn a 200,000-character run of capitals into snake_case in one pass", () => {
    expect(toSnakeCase(`${"A".repeat(200_000)}b`)).toBe(`${"a".repeat(199_999)}_ab`);
  });

  it("find object fields by exact name first, then in any letter case", () => {
    expect(field({ Id: 1, id: 2 }, "id")).toBe(2);
    expect(field({ Id: 1 }, "ID")).toBe(1);
    expect(field({ a: 1 }, "b", "A")).toBe(1);
    expect(field([1], "0")).toBeUndefined();
  });

  it("find query parameters in any letter case", () => {
    const query = new URLSearchParams("PROPOSAL=x&Status=2");
    expect([queryParam(query, "proposal"), queryParam(query, "status"), queryParam(query, "identifier")]).toEqual(["x", "2", undefined]);
  });

  it("turn a query into an object, keys as sent, repeated keys into lists", () => {
    expect(queryObject(new URLSearchParams("Proposal=x&tag=a&tag=b&empty="))).toEqual({ Proposal: "x", tag: ["a", "b"], empty: "" });
  });
});
