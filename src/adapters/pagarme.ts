import * as z from "zod";
import { isFormContentType, ProviderId, providerType, readForm, readWith } from "./provider-read";
import { asEventTime, DEFAULT_DEDUP_TTL_SECONDS, parseJsonObject, type Read, safeId } from "./read";
import type { Adapter, AdaptResult, ProviderRequest } from "./types";

/**
 * Pagar.me, in its two shapes:
 *
 * - API v5 webhooks, JSON: `{id: "hook_…", type: "order.paid", created_at, data: {id: "or_…",
 *   status, amount, …}}` → `pagarme.order.paid`, subject `data.id`, id the hook's `id` (repeated
 *   by re-sends). Not signed: protect the URL with a `basic` rule and confirm-by-fetch.
 * - API v4 postbacks, form-encoded and signed (X-Hub-Signature, src/auth/pagarme.ts):
 *   `id=…&object=transaction&event=transaction_status_changed&old_status=…&current_status=paid&…`
 *   → `pagarme.transaction.paid`, subject `id`. Postbacks carry no id of their own: the id is
 *   object, id and the status change, which a re-send repeats and a later change does not.
 */
export const PagarmeWebhook = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(3),
  created_at: z.string().optional(),
  data: z.looseObject({ id: ProviderId, status: z.string().optional(), amount: z.number().optional() }),
});
export type PagarmeWebhook = z.infer<typeof PagarmeWebhook>;

export const PagarmePostback = z.looseObject({
  id: z.string().min(1),
  object: z.string().min(1),
  event: z.string().optional(),
  old_status: z.string().optional(),
  current_status: z.string().min(1),
});
export type PagarmePostback = z.infer<typeof PagarmePostback>;

export const pagarme: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    return isFormContentType(request.headers.get("content-type")) ? postback(request) : webhook(request);
  },
};

async function webhook(request: ProviderRequest): Promise<AdaptResult> {
  const parsed = parseJsonObject(request.body);
  if (!parsed.ok) return parsed;
  const read = readWith(PagarmeWebhook, parsed.value, "Pagar.me webhook");
  if (!read.ok) return read;
  const body = read.value;
  const dot = body.type.indexOf(".");
  const type =
    dot > 0 ? providerType("pagarme", body.type.slice(0, dot), body.type.slice(dot + 1)) : ({ ok: false, reason: "The type has no resource." } as Read<string>);
  if (!type.ok) return type;
  return {
    ok: true,
    notifications: [
      {
        id: await safeId(body.id),
        type: type.value,
        subject: body.data.id,
        time: asEventTime(body.created_at),
        payload: { kind: "json", value: parsed.value },
      },
    ],
  };
}

async function postback(request: ProviderRequest): Promise<AdaptResult> {
  const form = readForm(request.body);
  if (!form) return { ok: false, reason: "The body is not valid UTF-8." };
  const read = readWith(PagarmePostback, form, "Pagar.me postback");
  if (!read.ok) return read;
  const body = read.value;
  const type = providerType("pagarme", body.object, body.current_status);
  if (!type.ok) return type;
  return {
    ok: true,
    notifications: [
      {
        id: await safeId(`${body.object}:${body.id}:${body.old_status ?? ""}:${body.current_status}`),
        type: type.value,
        subject: body.id,
        payload: { kind: "json", value: form },
      },
    ],
  };
}
