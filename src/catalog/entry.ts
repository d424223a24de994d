import type * as z from "zod";
import type { ProviderName } from "../config/schema";
import type { Envelope } from "../envelope";

/**
 * One kind of event an adapter produces (docs/event-types.md): its type, or a glob for the types
 * whose last word comes from the provider (`bs2.boleto.status_*`, `pix.refund.*`); the zod schema
 * of the envelope's `data`; an example envelope. Field names are those the provider documents;
 * the adapters read them without regard to case, and keep fields they do not know, so every
 * object is open.
 */
export interface EventTypeEntry {
  type: string;
  /** The providers (`provider` of a source) whose adapter makes it. */
  sources: ProviderName[];
  description: string;
  data: z.ZodType;
  example: Envelope;
}

/** A whole envelope as the gateway delivers it, for a catalog example. */
export function exampleEnvelope(provider: string, id: string, type: string, data: unknown, more: Partial<Envelope> = {}): Envelope {
  return {
    specversion: "1.0",
    id: `${provider}:${id}`,
    source: `/hooks/${provider}`,
    type,
    time: "2026-05-01T09:00:00-03:00",
    datacontenttype: "application/json",
    data,
    receivedat: "2026-05-01T12:00:00.412Z",
    ...more,
  };
}
