import * as z from "zod";
import { contentHash, providerType, readWith } from "./provider-read";
import { asString, DEFAULT_DEDUP_TTL_SECONDS, field, isObject, type JsonObject, parseJsonObject, safeId, toSnakeCase } from "./read";
import type { Adapter } from "./types";

/**
 * Asaas's webhook: `{id: "evt_…", event: "PAYMENT_RECEIVED", dateCreated: "2024-06-12 16:45:03",
 * payment: {object: "payment", id: "pay_…", status, value, …}}`. The resource object sits under
 * its own key (`payment`, `transfer`, `subscription`, `invoice`, `mobilePhoneRecharge`…).
 *
 * - type: the event split after its resource: `PAYMENT_RECEIVED` → `asaas.payment.received`,
 *   `MOBILE_PHONE_RECHARGE_PENDING` → `asaas.mobile_phone_recharge.pending`; an event that does
 *   not start with its resource's name splits at its first underscore.
 * - subject: the resource's `id` (`pay_…`).
 * - id: the event's `id` (`evt_…`), which Asaas's re-sends repeat. Payloads from before Asaas
 *   gave events ids have none: then event, resource id and a hash of the body.
 * - `dateCreated` is a local time without offset (America/Sao_Paulo): the envelope keeps the
 *   receipt time and `data` the value.
 */
export const AsaasResource = z.looseObject({ id: z.string().min(1), status: z.string().optional(), value: z.number().optional() });

export const AsaasEvent = z.looseObject({
  id: z.string().min(1).optional(),
  event: z.string().min(1),
  dateCreated: z.string().optional(),
  payment: AsaasResource.optional(),
});
export type AsaasEvent = z.infer<typeof AsaasEvent>;

const ENVELOPE_FIELDS = new Set(["id", "event", "datecreated"]);

export const asaas: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const read = readWith(AsaasEvent, parsed.value, "Asaas event");
    if (!read.ok) return read;
    const body = read.value;

    const resource = resourceOf(parsed.value);
    const [resourceName, eventName] = split(body.event, resource?.key);
    const type = providerType("asaas", resourceName, eventName);
    if (!type.ok) return type;
    const subject = resource ? asString(field(resource.value, "id")) : undefined;
    const id = body.id ?? `${body.event}:${subject ?? ""}:${await contentHash(request.body)}`;
    return {
      ok: true,
      notifications: [{ id: await safeId(id), type: type.value, subject, payload: { kind: "json", value: parsed.value } }],
    };
  },
};

/** The first field besides the event's own that holds an object with an id: the resource. */
function resourceOf(body: JsonObject): { key: string; value: JsonObject } | undefined {
  for (const [key, value] of Object.entries(body)) {
    if (ENVELOPE_FIELDS.has(key.toLowerCase())) continue;
    if (isObject(value) && asString(value.id) !== undefined) return { key, value };
  }
  return undefined;
}

function split(event: string, resourceKey: string | undefined): [string, string] {
  const upper = event.trim().toUpperCase();
  const prefix = resourceKey === undefined ? undefined : `${toSnakeCase(resourceKey).toUpperCase()}_`;
  if (prefix !== undefined && upper.startsWith(prefix) && upper.length > prefix.length) return [resourceKey!, upper.slice(prefix.length)];
  const underscore = upper.indexOf("_");
  return underscore > 0 ? [upper.slice(0, underscore), upper.slice(underscore + 1)] : [upper, "notified"];
}
