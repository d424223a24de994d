import { base64Encode } from "../bytes";
import type { Route, RouteAuth } from "../config/schema";
import { type Envelope, OPERATIONAL_SOURCE } from "../envelope";
import { chatText } from "./chat-text";

export const CONTENT_TYPE = "application/cloudevents+json";
const USER_AGENT = "hookgate";
const encoder = new TextEncoder();

export interface DeliveryRequest {
  url: string;
  init: { method: Route["method"]; headers: Record<string, string>; body?: string; redirect: "manual" };
}

/**
 * The request for one attempt. `body` is the exact text sent and signed (the envelope's JSON;
 * ignored for GET, which carries the CloudEvents attributes as `ce-*` headers and no body).
 * `signature` is the `webhook-signature` value, made by the caller over the same text.
 */
export function buildDeliveryRequest(route: Route, envelope: Envelope, body: string, timestamp: number, signature?: string): DeliveryRequest {
  const headers: Record<string, string> = { "user-agent": USER_AGENT, ...authHeaders(route.auth) };
  headers["webhook-id"] = webhookId(envelope);
  headers["webhook-timestamp"] = String(timestamp);
  if (signature !== undefined) headers["webhook-signature"] = signature;
  if (route.method === "GET") {
    return { url: route.url, init: { method: "GET", headers: { ...headers, ...cloudEventHeaders(envelope) }, redirect: "manual" } };
  }
  headers["content-type"] = route.format === "slack" || route.transform !== undefined ? "application/json" : CONTENT_TYPE;
  return { url: route.url, init: { method: route.method, headers, body, redirect: "manual" } };
}

/**
 * `{"text": "..."}`, which Slack, Teams and Discord incoming webhooks accept: the type, what it
 * is about and where it came from, in one line. A provider's payload never goes into it (chat
 * apps render markup and mentions); an operational event's own `summary`, written by the gateway,
 * does. What may still come from a payload (the type, the subject, an error in a summary) is made
 * plain text by ./chat-text.ts.
 */
export function slackMessage(envelope: Envelope): string {
  const about = envelope.subject ? ` ${envelope.subject}` : "";
  const data = envelope.data as { summary?: unknown } | undefined;
  const text =
    envelope.source === OPERATIONAL_SOURCE
      ? `${envelope.type}${about}${typeof data?.summary === "string" ? `: ${data.summary}` : ""}`
      : `${envelope.type}${about} (${envelope.source})`;
  return JSON.stringify({ text: chatText(text) });
}

/** The envelope id as a header value (and so as the id the signature covers). */
export function webhookId(envelope: Envelope): string {
  return percentEncode(envelope.id);
}

function authHeaders(auth: RouteAuth): Record<string, string> {
  switch (auth.type) {
    case "none":
      return {};
    case "basic":
      return { authorization: `Basic ${base64Encode(encoder.encode(`${auth.username}:${auth.password}`))}` };
    case "bearer":
      return { authorization: `Bearer ${auth.token}` };
    case "header":
      return { [auth.name.toLowerCase()]: auth.value };
  }
}

/** CloudEvents HTTP binding, binary mode: each attribute as a `ce-` header. */
function cloudEventHeaders(envelope: Envelope): Record<string, string> {
  const attributes: Record<string, string | undefined> = {
    specversion: envelope.specversion,
    id: envelope.id,
    source: envelope.source,
    type: envelope.type,
    subject: envelope.subject,
    time: envelope.time,
    receivedat: envelope.receivedat,
    recovered: envelope.recovered === undefined ? undefined : String(envelope.recovered),
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) headers[`ce-${name}`] = percentEncode(value);
  }
  return headers;
}

/** The binding's rule: space, `"`, `%` and anything outside printable ASCII as UTF-8 %XX. */
function percentEncode(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== "%") out += char;
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
