import * as z from "zod";
import { closed } from "./closed";

/** The D1 event log (docs/event-log.md). */
export const EventLog = closed({
  enabled: z.boolean().default(true).describe("Record requests, envelopes and delivery attempts in the D1 event log."),
  retentionDays: z.number().int().min(1).max(365).default(30).describe("How long the event log keeps rows, in days; pruned on a schedule."),
}).describe("The event log: where is my notification.");
