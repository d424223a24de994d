import * as z from "zod";

/** A notification in the one common shape: a CloudEvents 1.0 event in JSON (CONTRACT.md §5). */
export const Envelope = z.object({
  specversion: z.literal("1.0"),
  /** `{source}:{notification id}`: the dedup key and the idempotency key downstream. */
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().optional(),
  time: z.string(),
  datacontenttype: z.string(),
  data: z.unknown().optional(),
  data_base64: z.string().optional(),
  receivedat: z.string(),
});
export type Envelope = z.infer<typeof Envelope>;

/** What an adapter says about one notification; the pipeline makes the envelope from it. */
export interface Notification {
  /** The provider's notification id, without the source prefix. */
  id: string;
  type: string;
  subject?: string;
  /** The provider's event time (ISO 8601), when it gives one. */
  time?: string;
  /** The payload as it came: parsed JSON, text, or bytes for a body that is not UTF-8. */
  payload: NotificationPayload;
}

export type NotificationPayload =
  | { kind: "json"; value: unknown }
  | { kind: "text"; contentType: string; text: string }
  | { kind: "binary"; contentType: string; base64: string };

/** The `source` of the gateway's own operational events (`hookgate.*`). */
export const OPERATIONAL_SOURCE = "/hookgate";

export function toEnvelope(sourceName: string, notification: Notification, receivedAt: Date): Envelope {
  const receivedat = receivedAt.toISOString();
  const envelope: Envelope = {
    specversion: "1.0",
    id: `${sourceName}:${notification.id}`,
    source: `/hooks/${sourceName}`,
    type: notification.type,
    time: notification.time ?? receivedat,
    datacontenttype: "application/json",
    receivedat,
  };
  if (notification.subject !== undefined && notification.subject !== "") envelope.subject = notification.subject;
  const payload = notification.payload;
  if (payload.kind === "json") envelope.data = payload.value;
  else if (payload.kind === "text") {
    envelope.datacontenttype = payload.contentType;
    envelope.data = payload.text;
  } else {
    envelope.datacontenttype = payload.contentType;
    envelope.data_base64 = payload.base64;
  }
  return envelope;
}
