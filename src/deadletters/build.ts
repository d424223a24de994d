import { base64Encode } from "../bytes";
import { type Attempt, type DeliveryMessage, envelopeIdOf } from "../delivery/message";
import type { Envelope } from "../envelope";
import { type DeadLetter, type DeadLetterReason, deliveryDeadLetterId, unreadableDeadLetterId, unroutedDeadLetterId } from "./record";

/** An envelope no route matched, kept so that a route added later can take it. */
export async function unroutedDeadLetter(envelope: Envelope, source: string, now: Date | number): Promise<DeadLetter> {
  return {
    id: await unroutedDeadLetterId(envelope.id),
    kind: "unrouted",
    source,
    reason: "no_route_matched",
    createdAt: new Date(now).toISOString(),
    state: "dead",
    envelope,
    attempts: [],
  };
}

/**
 * A message that failed for good. It keeps what the message carried: the envelope, or the
 * `envelopeKey` of one stored aside (ingest keeps those 14 days and the dead letters' life, storedEnvelopeTtlSeconds,
 * and a replay sends the key again rather than an envelope too large for a message).
 * `detail` says what happened when no attempt does (a missing route, a missing envelope).
 */
export async function deliveryDeadLetter(
  message: DeliveryMessage,
  routeId: string,
  attempts: Attempt[],
  reason: DeadLetterReason,
  now: Date | number,
  detail?: string,
): Promise<DeadLetter> {
  const record: DeadLetter = {
    id: await deliveryDeadLetterId(envelopeIdOf(message), routeId),
    kind: "delivery",
    source: message.source,
    routeId,
    reason,
    createdAt: new Date(now).toISOString(),
    state: "dead",
    attempts,
  };
  if (message.envelope) record.envelope = message.envelope;
  if (message.envelopeKey !== undefined) record.envelopeKey = message.envelopeKey;
  const last = attempts.at(-1);
  if (last?.status !== undefined) record.lastStatus = last.status;
  const lastError = detail ?? last?.error;
  if (lastError !== undefined) record.lastError = lastError;
  return record;
}

/**
 * A queue message that is not a delivery message at all. Its body is kept as text in
 * `lastError` (the record has no other free-form field) so it can be read, fixed and re-sent.
 */
export async function unreadableDeadLetter(
  messageId: string,
  body: unknown,
  reason: "unreadable_message" | "consumer_failed",
  now: Date | number,
): Promise<DeadLetter> {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const record: DeadLetter = {
    id: await unreadableDeadLetterId(messageId),
    kind: "delivery",
    source: typeof fields.source === "string" ? fields.source : "unknown",
    reason,
    createdAt: new Date(now).toISOString(),
    state: "dead",
    attempts: [],
    lastError: rawText(body),
  };
  if (typeof fields.routeId === "string") record.routeId = fields.routeId;
  return record;
}

function rawText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return `base64:${base64Encode(bytes)}`;
  }
  try {
    return JSON.stringify(body) ?? String(body);
  } catch {
    return String(body);
  }
}
