import { asEventTime, DEFAULT_DEDUP_TTL_SECONDS, field, parseJsonObject, safeId, stringField } from "./read";
import type { Adapter } from "./types";

/**
 * A sender that follows Standard Webhooks: the `webhook-id` header names the message (and
 * stays the same on retries), the JSON payload is `{type, timestamp, data}`.
 */
export const standardWebhooks: Adapter = {
  defaultMethods: ["POST"],
  defaultDedupTtlSeconds: DEFAULT_DEDUP_TTL_SECONDS,
  async adapt(request) {
    const webhookId = request.headers.get("webhook-id")?.trim();
    if (!webhookId) return { ok: false, reason: "The request has no webhook-id header." };
    // The sender's own shape: no bound on its objects and members (see MAX_JSON_NODES).
    const parsed = parseJsonObject(request.body, Number.POSITIVE_INFINITY);
    if (!parsed.ok) return parsed;
    const payload = parsed.value;
    // The type is the sender's own name for the event, kept as given.
    const type = stringField(payload, "type");
    if (type === undefined) return { ok: false, reason: "The payload has no type." };

    return {
      ok: true,
      notifications: [
        {
          id: await safeId(webhookId),
          type,
          time: asEventTime(field(payload, "timestamp")),
          payload: { kind: "json", value: payload },
        },
      ],
    };
  },
};
