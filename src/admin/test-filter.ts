import * as z from "zod";
import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { getEvent } from "../ledger/queries";
import { RouteFilter } from "../routing/filter";
import { explainFilter } from "../routing/filter-match";
import { logOn } from "./events";
import { readJson } from "./read-json";

export const TestFilterBody = z
  .object({
    filter: RouteFilter,
    eventId: z.string().min(1).optional().describe("A past event's envelope id, read from the event log"),
    envelope: z.record(z.string(), z.unknown()).optional().describe("An envelope given whole, instead of eventId"),
  })
  .strict()
  .refine((body) => (body.eventId === undefined) !== (body.envelope === undefined), "give eventId or envelope, one of them");

export const TestFilterAnswer = z.object({
  matches: z.boolean(),
  reasons: z
    .array(
      z.object({
        path: z.string().describe("Where in the envelope, e.g. data.StatusBoleto.Status"),
        operator: z.string().describe("The operator that did not hold; equals or contains for a plain value"),
        expected: z.unknown().describe("The filter's operand"),
        actual: z.string().describe("What the envelope holds there: a primitive as it is, otherwise its kind, or missing"),
      }),
    )
    .describe("Why it does not match; empty when it does"),
});

/**
 * `POST /admin/routes/test-filter`: tries a filter on a real past event (or on an envelope given
 * whole) and says why it does not match. The filter is checked as a route's would be. The
 * envelope's values are payload the admin may read (`GET /admin/events/{id}`); no secret is in it.
 */
export function registerFilterTest(app: App): void {
  app.post("/admin/routes/test-filter", async (c) => {
    const body = await readJson(c.req.raw, TestFilterBody);
    const envelope = body.envelope ?? (await pastEnvelope(c.env, c.get("config"), body.eventId ?? ""));
    const outcome = explainFilter(body.filter, envelope);
    return c.json({ matches: outcome.matches, reasons: outcome.matches ? [] : outcome.reasons });
  });
}

/** A past event's envelope, from the event log: the one place to change when the log moves. */
export async function pastEnvelope(env: Bindings, config: GatewayConfig, id: string): Promise<Envelope> {
  const detail = await getEvent(env, logOn(env, config, "give the envelope instead"), id);
  if (!detail) throw new GatewayError("not_found", "no such event in the log");
  if (!detail.event) throw new GatewayError("conflict", "the envelope is no longer kept (it was too large for the log and has expired)");
  return detail.event;
}
