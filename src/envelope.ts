import * as z from "zod";

/** A notification in the one common shape: a CloudEvents 1.0 event in JSON (docs/contract.md §5). */
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
  /** Extension attribute: found by Pix reconciliation (docs/contract.md §11), not delivered by the webhook. */
  recovered: z.boolean().optional(),
  /**
   * Extension attribute, only on an occurrence of a notification that recurs for real (a BMP
   * status that comes back): the id the occurrences share, `{source}:{notification id}`, which
   * is also the dedup key. See docs/ids.md.
   */
  occurrenceof: z.string().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

/** What an adapter says about one notification; the pipeline makes the envelope from it. */
export interface Notification {
  /** The provider's notification id, without the source prefix. */
  id: string;
  /**
   * The id comes back for real after the dedup window (BMP's status 5 and 11): each occurrence
   * then gets its own envelope id, `{source}:{id}@{window start}`, while dedup keys on the
   * shared `{source}:{id}` (docs/ids.md).
   */
  recurs?: boolean;
  type: string;
  subject?: string;
  /** The provider's event time (ISO 8601), when it gives one. */
  time?: string;
  /** The payload as it came: parsed JSON, text, or bytes for a body that is not UTF-8. */
  payload: NotificationPayload;
  /**
   * The provider's own ids and business keys an operator searches by (BS2's Id and SeuNumero, a
   * Pix's endToEndId): kept beside the envelope (`searchKeysOf`), indexed by the ledger, never
   * delivered. The subject is indexed too and need not be repeated. A few short values.
   */
  keys?: string[];
}

/** At most this many search keys an envelope, each at most this long: longer ones are left out. */
export const MAX_SEARCH_KEYS = 4;
export const MAX_SEARCH_KEY_LENGTH = 140;

const searchKeys = new WeakMap<Envelope, string[]>();

/** The search keys the adapter declared for this envelope (none for one it did not make). */
export function searchKeysOf(envelope: Envelope): string[] {
  return searchKeys.get(envelope) ?? [];
}

export type NotificationPayload =
  | { kind: "json"; value: unknown }
  | { kind: "text"; contentType: string; text: string }
  | { kind: "binary"; contentType: string; base64: string };

/** The `source` of the gateway's own operational events (`hookgate.*`). */
export const OPERATIONAL_SOURCE = "/hookgate";

/** When the caller does not say: BMP's window. */
const DEFAULT_RECURRENCE_WINDOW_SECONDS = 3600;

/**
 * `windowSeconds` is the source's dedup window: an occurrence of a recurring id is named after
 * the window its receipt falls in, so the next real occurrence (after the window) never shares
 * its name, and retries racing the first (before its dedup marker is visible) mostly do.
 */
export function toEnvelope(sourceName: string, notification: Notification, receivedAt: Date, windowSeconds = DEFAULT_RECURRENCE_WINDOW_SECONDS): Envelope {
  const receivedat = receivedAt.toISOString();
  const shared = `${sourceName}:${notification.id}`;
  const envelope: Envelope = {
    specversion: "1.0",
    id: notification.recurs ? `${shared}@${windowStart(receivedAt, windowSeconds)}` : shared,
    source: `/hooks/${sourceName}`,
    type: notification.type,
    time: notification.time ?? receivedat,
    datacontenttype: "application/json",
    receivedat,
  };
  if (notification.subject !== undefined && notification.subject !== "") envelope.subject = notification.subject;
  if (notification.recurs) envelope.occurrenceof = shared;
  const keys = (notification.keys ?? []).filter((k) => k !== "" && k.length <= MAX_SEARCH_KEY_LENGTH);
  if (keys.length > 0) searchKeys.set(envelope, [...new Set(keys)].slice(0, MAX_SEARCH_KEYS));
  const payload = notification.payload;
  if (payload.kind === "json") envelope.data = payload.value;
  else if (payload.kind === "text") {
    envelope.datacontenttype = payload.contentType;
    envelope.data = payload.text;
  } else {
    envelope.datacontenttype = payload.contentType;
    envelope.data_base64 = payload.base64;
  }
  // The payload's JSON, when made already (the adapters' storability check), is spliced in as
  // the last member, where JSON.stringify would have put it: the same text, not made twice.
  const data = texts.get(payload);
  if (data !== undefined) {
    const { data: _data, data_base64: _base64, ...head } = envelope;
    texts.set(envelope, `${JSON.stringify(head).slice(0, -1)},"${payload.kind === "binary" ? "data_base64" : "data"}":${data}}`);
  }
  return envelope;
}

/**
 * The JSON text of payloads and envelopes, made once and carried along with the object (issue
 * 28.4: a 1 MiB envelope was serialized four times). Keyed by identity: an envelope or a payload
 * is never changed once made (a changed copy, like the reconciler's `{...envelope, recovered}`,
 * is another object and is serialized on its own).
 */
const texts = new WeakMap<object, string>();

/**
 * The payload's value as JSON: the `data` member for JSON and text, `data_base64` for bytes
 * (undefined for an undefined value, which has none). Throws what JSON.stringify throws.
 */
export function payloadJson(payload: NotificationPayload): string | undefined {
  let text = texts.get(payload);
  if (text === undefined) {
    text = JSON.stringify(payload.kind === "json" ? payload.value : payload.kind === "text" ? payload.text : payload.base64) as string | undefined;
    if (text !== undefined) texts.set(payload, text);
  }
  return text;
}

/** The envelope as JSON, made the first time it is asked for. */
export function envelopeJson(envelope: Envelope): string {
  let text = texts.get(envelope);
  if (text === undefined) {
    text = JSON.stringify(envelope);
    texts.set(envelope, text);
  }
  return text;
}

/** `20261201T100000Z`: the start of the window `at` falls in, windows counted from the epoch. */
function windowStart(at: Date, windowSeconds: number): string {
  const ms = Math.max(1, windowSeconds) * 1000;
  return new Date(Math.floor(at.getTime() / ms) * ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

/** The key a notification is deduplicated on: what its occurrences share, else its id. */
export function dedupKeyOf(envelope: Envelope): string {
  return envelope.occurrenceof ?? envelope.id;
}
