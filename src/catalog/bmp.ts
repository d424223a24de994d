import * as z from "zod";
import { type EventTypeEntry, exampleEnvelope } from "./entry";

/** What provider/adapters/bmp.ts produces: proposal statuses (from the query) and contract events (a JSON body). */

/** A status callback's data: its JSON body when it has one (installments, for 9 and 10), else the query's parameters as sent. */
export const BmpProposalData = z.unknown().describe("The callback's JSON body, or, without one, its query parameters as an object of strings");

export const BmpContractData = z
  .looseObject({
    TipoEvento: z.union([z.number(), z.string()]).describe("1 to 6: the type's last word (event_<n> for another)"),
    NomeEvento: z.string().nullish(),
    NroProposta: z.union([z.string(), z.number()]).describe("The proposal: the envelope's subject"),
    DtEvento: z.string().nullish(),
  })
  .describe("A BMP contract event, as sent");

const PROPOSAL = ["approved", "canceled", "pending", "completed", "released", "paid", "assigned", "pending_payment", "status_*"];
const CONTRACT = ["schedule_canceled", "surcharge_discount", "installment_posting", "due_date_extension", "boleto_issued", "boleto_canceled", "event_*"];
const TIPO: Record<string, number> = Object.fromEntries(CONTRACT.map((name, i) => [name, i + 1]));

export const bmpEventTypes: EventTypeEntry[] = [
  ...PROPOSAL.map((status) => ({
    type: `bmp.proposal.${status}`,
    sources: ["bmp" as const],
    description: status === "status_*" ? "A proposal status BMP has not documented: status_<n>." : `A proposal reached the status "${status}".`,
    data: BmpProposalData,
    example: exampleEnvelope(
      "bmp",
      "123456:2@2026-05-01T12:00:00Z",
      `bmp.proposal.${status.replace("*", "12")}`,
      { proposal: "123456", status: "2", identifier: "abc" },
      {
        subject: "123456",
        occurrenceof: "bmp:123456:2",
      },
    ),
  })),
  ...CONTRACT.map((event) => ({
    type: `bmp.contract.${event}`,
    sources: ["bmp" as const],
    description: event === "event_*" ? "A contract event BMP has not documented: event_<n>." : `A contract event: ${event.replaceAll("_", " ")}.`,
    data: BmpContractData,
    example: exampleEnvelope(
      "bmp",
      `123456:${TIPO[event] ?? 9}:0f3a9c2e7b1d4e6f`,
      `bmp.contract.${event.replace("*", "9")}`,
      {
        TipoEvento: TIPO[event] ?? 9,
        NomeEvento: event,
        NroProposta: "123456",
        DtEvento: "2026-05-01",
      },
      { subject: "123456" },
    ),
  })),
];
