import * as z from "zod";
import { providerType, readWith } from "./provider-read";
import { asEventTime, asString, DEFAULT_DEDUP_TTL_SECONDS, isObject, type JsonObject, parseJsonObject, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * Stark Bank's webhook event: `{event: {id, created, subscription, workspaceId, log: {id, type,
 * created, errors, <resource>: {...}}}}`. The log names what happened to the resource under the
 * resource's own key (`boleto`, `transfer`, `invoice`, `payment` for boleto-payment…).
 *
 * - type: `starkbank.<subscription>.<log type>`: `boleto` + `paid` → `starkbank.boleto.paid`,
 *   `boleto-payment` + `success` → `starkbank.boleto_payment.success`.
 * - subject: the resource's `id` inside the log.
 * - id: `event.id`, which Stark Bank's re-sends repeat (a log is one change, an event one delivery
 *   of it to one webhook).
 * - The signature covers the whole body (src/auth/starkbank.ts).
 */
export const StarkBankLog = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.string().optional(),
  errors: z.array(z.unknown()).optional(),
});

export const StarkBankEvent = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    created: z.string().optional(),
    subscription: z.string().min(1),
    workspaceId: z.string().optional(),
    log: StarkBankLog,
  }),
});
export type StarkBankEvent = z.infer<typeof StarkBankEvent>;

export const starkbank: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const read = readWith(StarkBankEvent, parsed.value, "Stark Bank event");
    if (!read.ok) return read;
    const { event } = read.value;

    const type = providerType("starkbank", event.subscription, event.log.type);
    if (!type.ok) return type;
    return {
      ok: true,
      notifications: [
        {
          id: await safeId(event.id),
          type: type.value,
          subject: resourceId(event.log),
          time: asEventTime(event.log.created) ?? asEventTime(event.created),
          payload: { kind: "json", value: parsed.value },
        },
      ],
    };
  },
};

/** The id of the one object in the log that has one: the resource the log is about. */
function resourceId(log: JsonObject): string | undefined {
  for (const [key, value] of Object.entries(log)) {
    if (key === "errors" || !isObject(value)) continue;
    const id = asString(value.id);
    if (id !== undefined) return id;
  }
  return undefined;
}
