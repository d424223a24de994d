import * as z from "zod";
import { providerType, readForm, readWith } from "./provider-read";
import { DEFAULT_DEDUP_TTL_SECONDS, safeId } from "./read";
import type { Adapter } from "./types";

/**
 * iugu's triggers ("gatilhos"): a form-encoded POST, `event=invoice.status_changed&data[id]=…&
 * data[status]=paid&data[account_id]=…`, signed by nothing. A source for iugu takes what can be
 * had: iugu's source addresses (`ipAllow`), a secret in the registered URL (`query` rule) and
 * confirm-by-fetch, which reads the invoice back from iugu's API before delivery.
 *
 * - data: `{event, data: {id, status, …}}`, the form read as JSON.
 * - type: `iugu.<event>` (`invoice.status_changed` → `iugu.invoice.status_changed`), the status
 *   in `data.status`.
 * - subject: `data[id]`, the invoice (or subscription…).
 * - id: iugu gives triggers no id: event, resource id and status, which a re-send repeats and a
 *   later change (paid, then refunded) does not.
 */
export const IuguTrigger = z.looseObject({
  event: z.string().min(3),
  data: z.looseObject({ id: z.string().min(1), status: z.string().optional(), account_id: z.string().optional() }),
});
export type IuguTrigger = z.infer<typeof IuguTrigger>;

export const iugu: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const form = readForm(request.body);
    if (!form) return { ok: false, reason: "The body is not valid UTF-8." };
    const read = readWith(IuguTrigger, form, "iugu trigger");
    if (!read.ok) return read;
    const { event, data } = read.value;
    const dot = event.indexOf(".");
    const type = providerType("iugu", dot > 0 ? event.slice(0, dot) : event, dot > 0 ? event.slice(dot + 1) : "notified");
    if (!type.ok) return type;
    return {
      ok: true,
      notifications: [
        { id: await safeId(`${event}:${data.id}:${data.status ?? ""}`), type: type.value, subject: data.id, payload: { kind: "json", value: form } },
      ],
    };
  },
};
