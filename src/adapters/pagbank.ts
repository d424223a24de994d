import * as z from "zod";
import { contentHash, providerType, readWith } from "./provider-read";
import { asEventTime, DEFAULT_DEDUP_TTL_SECONDS, parseJsonObject, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * PagBank's notification: the resource itself, as its API would answer it: an order
 * (`{id: "ORDE_…", reference_id, charges: [{id: "CHAR_…", status: "PAID", amount}]}`) or a charge
 * (`{id: "CHAR_…", status, amount, …}`).
 *
 * - type: `pagbank.<resource>.<status>`, the resource from the id's prefix (ORDE_ order, CHAR_
 *   charge, CHEC_ checkout, SUBS_ subscription), the status the resource's own or, for an order,
 *   its last charge's: `pagbank.order.paid`, `pagbank.charge.waiting`.
 * - subject: the resource's `id`.
 * - id: PagBank gives notifications no id of their own: resource id, status and a hash of the
 *   body. A re-send is the same bytes (the signature is over them), so the same id; a new event
 *   for the same order (paid, then refunded) changes status or body, so a new id.
 */
export const PagBankCharge = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1).optional(),
  amount: z.looseObject({ value: z.number().optional() }).optional(),
});

export const PagBankNotification = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1).optional(),
  created_at: z.string().optional(),
  reference_id: z.string().optional(),
  charges: z.array(PagBankCharge).optional(),
});
export type PagBankNotification = z.infer<typeof PagBankNotification>;

const RESOURCES: Record<string, string> = { ORDE: "order", CHAR: "charge", CHEC: "checkout", SUBS: "subscription" };

export const pagbank: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const parsed = parseJsonObject(request.body);
    if (!parsed.ok) return parsed;
    const read = readWith(PagBankNotification, parsed.value, "PagBank notification");
    if (!read.ok) return read;
    const body = read.value;

    const resource = RESOURCES[body.id.slice(0, 4).toUpperCase()] ?? "resource";
    const status = pagBankStatus(body) ?? "updated";
    const type = providerType("pagbank", resource, status);
    if (!type.ok) return type;
    return {
      ok: true,
      notifications: [
        {
          id: await safeId(`${body.id}:${status.toLowerCase()}:${await contentHash(request.body)}`),
          type: type.value,
          subject: body.id,
          time: asEventTime(body.charges?.at(-1)?.["paid_at"]) ?? undefined,
          payload: { kind: "json", value: parsed.value },
        },
      ],
    };
  },
};

/** The resource's status, or an order's last charge's. */
export function pagBankStatus(body: PagBankNotification): string | undefined {
  return body.status ?? body.charges?.at(-1)?.status;
}
