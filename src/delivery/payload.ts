import type { Route } from "../config/schema";
import { Envelope } from "../envelope";
import { applyTransform } from "../routing/transform";
import type { OutgoingEnvelope } from "./attempt";
import type { DeliveryMessage } from "./message";

export type LoadedPayload = ({ ok: true } & OutgoingEnvelope) | { ok: false; reason: "envelope_missing" | "envelope_unreadable"; detail: string };

/**
 * The envelope a message carries, or the one stored aside under `envelopeKey`. A stored
 * envelope is sent as the very text stored, so a large notification arrives byte for byte.
 * KV failures throw: the message is then retried, not declared lost.
 */
export async function loadPayload(message: DeliveryMessage, kv: KVNamespace): Promise<LoadedPayload> {
  if (message.envelope) return { ok: true, envelope: message.envelope, body: JSON.stringify(message.envelope) };
  const key = message.envelopeKey ?? "";
  const text = await kv.get(key, "text");
  if (text === null) {
    return { ok: false, reason: "envelope_missing", detail: `the envelope stored under "${key}" is gone (expired or deleted)` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "envelope_unreadable", detail: `the envelope stored under "${key}" is not JSON` };
  }
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: "envelope_unreadable", detail: `the envelope stored under "${key}" is not an envelope` };
  }
  return { ok: true, envelope: parsed.data, body: text };
}

/**
 * What the route receives: the envelope's text, or its transform's result (docs/transforms.md),
 * shaped now from the route as configured now, so a replay after a fix sends the new shape.
 */
export async function shapePayload(route: Route, payload: OutgoingEnvelope): Promise<({ ok: true } & OutgoingEnvelope) | { ok: false; error: string }> {
  if (route.transform === undefined) return { ok: true, ...payload };
  const shaped = await applyTransform(route.transform, payload.envelope);
  return shaped.ok ? { ok: true, envelope: payload.envelope, body: shaped.body } : shaped;
}
