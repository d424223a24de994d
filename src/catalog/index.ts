import * as z from "zod";
import { matchesEvent } from "../routing/match";
import { asaasEventTypes } from "./asaas";
import { bmpEventTypes } from "./bmp";
import { bs2EventTypes } from "./bs2";
import { efiEventTypes } from "./efi";
import type { EventTypeEntry } from "./entry";
import { iuguEventTypes } from "./iugu";
import { mercadoPagoEventTypes } from "./mercadopago";
import { nsBpeEventTypes } from "./ns-bpe";
import { pagarmeEventTypes } from "./pagarme";
import { pagBankEventTypes } from "./pagbank";
import { pixEventTypes } from "./pix";
import { starkBankEventTypes } from "./starkbank";

/**
 * The event-type catalog (docs/event-types.md): every type the adapters make, with the JSON Schema
 * of its `data` and an example envelope. One list per provider file; a new adapter adds its own
 * file and one line here; its order is the docs page's, and a type is found under the first glob
 * that takes it, so a provider's narrower globs come before its catch-all. `generic` and
 * `standard-webhooks` sources take the sender's types, so they have no entries (such a source
 * may check its payloads with `"schema"`).
 */
export const eventTypeEntries: readonly EventTypeEntry[] = [
  ...bs2EventTypes,
  ...pixEventTypes,
  ...bmpEventTypes,
  ...nsBpeEventTypes,
  ...mercadoPagoEventTypes,
  ...asaasEventTypes,
  ...pagBankEventTypes,
  ...starkBankEventTypes,
  ...efiEventTypes,
  ...pagarmeEventTypes,
  ...iuguEventTypes,
];

export type { EventTypeEntry } from "./entry";

/** The entry for a type: the entry named so, else the first glob that takes it. */
export function findEventType(type: string): EventTypeEntry | undefined {
  return eventTypeEntries.find((entry) => entry.type === type) ?? eventTypeEntries.find((entry) => entry.type.includes("*") && matchesEvent(entry.type, type));
}

const schemas = new Map<string, Record<string, unknown>>();

/** The JSON Schema (draft 2020-12) of an entry's `data`, made from its zod schema once. */
export function dataSchema(entry: EventTypeEntry): Record<string, unknown> {
  let schema = schemas.get(entry.type);
  if (!schema) {
    schema = z.toJSONSchema(entry.data, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    schemas.set(entry.type, schema);
  }
  return schema;
}
