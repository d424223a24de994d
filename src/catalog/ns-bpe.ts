import * as z from "zod";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/** What provider/adapters/ns-bpe.ts produces: NS Tecnologia's BP-e contingency results. */

export const NsBpeData = z
  .looseObject({
    status: z.union([z.number(), z.string()]).nullish().describe("NS's own query status: says nothing about the document"),
    motivo: z.string().nullish(),
    chBPe: z.union([z.string(), z.number()]).describe("The BP-e's access key: the envelope's subject"),
    cStat: z.union([z.number(), z.string()]).describe("SEFAZ's verdict: 100 or 150 authorized, anything else rejected"),
    xMotivo: z.string().nullish(),
    nProt: z.string().nullish(),
    dhRecbto: z.string().nullish().describe("When SEFAZ received it: the envelope's time"),
  })
  .describe("An NS BP-e result, as sent");

const KEY = "35260512345678000190630010000012341000012345";

export const nsBpeEventTypes: EventTypeEntry[] = [
  {
    type: "ns.bpe.authorized",
    sources: ["ns-bpe"],
    description: "SEFAZ authorized the BP-e (cStat 100, or 150 when late).",
    data: NsBpeData,
    example: exampleEnvelope(
      "ns-bpe",
      `${KEY}:100`,
      "ns.bpe.authorized",
      {
        status: 200,
        motivo: "Consulta realizada com sucesso",
        chBPe: KEY,
        cStat: 100,
        xMotivo: "Autorizado o uso do BP-e",
        nProt: "135260000012345",
        dhRecbto: "2026-05-01T09:00:00-03:00",
      },
      { subject: KEY },
    ),
  },
  {
    type: "ns.bpe.rejected",
    sources: ["ns-bpe"],
    description: "SEFAZ (or NS) refused the BP-e: any other cStat.",
    data: NsBpeData,
    example: exampleEnvelope(
      "ns-bpe",
      `${KEY}:204`,
      "ns.bpe.rejected",
      { status: 200, motivo: "Consulta realizada com sucesso", chBPe: KEY, cStat: 204, xMotivo: "Rejeição: Duplicidade de BP-e" },
      { subject: KEY },
    ),
  },
];
