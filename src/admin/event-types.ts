import * as z from "zod";
import { dataSchema, eventTypeEntries, findEventType } from "../catalog";
import { GatewayError } from "../errors";
import type { App } from "../http/app";

export const EventTypeList = z.object({
  eventTypes: z.array(
    z.object({
      type: z.string().describe("A type, or a glob for types whose last word comes from the provider (pix.refund.*)"),
      sources: z.array(z.string()).describe("The providers whose adapter makes it"),
      description: z.string(),
    }),
  ),
});

export const EventTypeDetail = z.object({
  type: z.string().describe("The catalog's entry: the type asked for, or the glob that takes it"),
  sources: z.array(z.string()),
  description: z.string(),
  schema: z.record(z.string(), z.unknown()).describe("The JSON Schema (draft 2020-12) of the envelope's data"),
  example: z.record(z.string(), z.unknown()).describe("A whole envelope of this type"),
});

/** `GET /admin/event-types` and `GET /admin/event-types/{type}`: the catalog (docs/event-types.md). */
export function registerEventTypeAdmin(app: App): void {
  app.get("/admin/event-types", (c) =>
    c.json({ eventTypes: eventTypeEntries.map((entry) => ({ type: entry.type, sources: entry.sources, description: entry.description })) }),
  );

  app.get("/admin/event-types/:type", (c) => {
    const entry = findEventType(c.req.param("type"));
    if (!entry) throw new GatewayError("not_found", "no such event type in the catalog (generic and standard-webhooks sources keep the sender's types)");
    return c.json({ type: entry.type, sources: entry.sources, description: entry.description, schema: dataSchema(entry), example: entry.example });
  });
}
