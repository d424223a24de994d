import { STATUS_CODES } from "node:http";
import type { OutgoingRequest } from "./build";

const REDACTED = "<redacted>";

/** The URL with credential query values hidden. */
export function printableUrl(request: OutgoingRequest): string {
  if (request.redactQuery.length === 0) return request.url.href;
  const url = new URL(request.url.href);
  const pairs = [...url.searchParams].map(
    ([name, value]) => `${encodeURIComponent(name)}=${request.redactQuery.includes(name) ? REDACTED : encodeURIComponent(value)}`,
  );
  url.search = "";
  return `${url.href}?${pairs.join("&")}`;
}

/** --dry-run: the request as an HTTP message, credentials hidden. */
export function formatRequest(request: OutgoingRequest): string {
  const shown = Object.fromEntries(Object.entries(request.redactHeaders).map(([name, keep]) => [name.toLowerCase(), keep]));
  const lines = [`${request.method} ${printableUrl(request)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    const keep = shown[name.toLowerCase()];
    lines.push(`${name}: ${keep === undefined ? value : keep + REDACTED}`);
  }
  if (request.body && request.body.byteLength > 0) lines.push(`Content-Length: ${request.body.byteLength}`, "", bodyText(request.body));
  return lines.join("\n");
}

function bodyText(body: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return `(${body.byteLength} bytes, not UTF-8)`;
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export interface AnswerContext {
  sourceName: string;
  provider: string;
  configFile: string;
  /** The body came from FILE (so --unique is not on by default). */
  fromFile: boolean;
}

/** `POST http://…/hooks/bs2-boleto → 202 Accepted (12 ms)`, the request id, the body, a hint. */
export function formatAnswer(request: OutgoingRequest, answer: Answer, context: AnswerContext): string {
  const lines = [`${request.method} ${printableUrl(request)} → ${answer.status} ${STATUS_CODES[answer.status] ?? ""} (${answer.ms} ms)`];
  const requestId = [answer.headers["x-request-id"]].flat()[0];
  lines.push(`X-Request-Id: ${requestId ?? "(none: is this a hookgate gateway?)"}`);
  const json = parseJson(answer.body);
  if (answer.body !== "") lines.push(json === undefined ? answer.body : JSON.stringify(json, null, 2));
  const hint = hintFor(answer, json, context);
  if (hint) lines.push("", `hint: ${hint}`);
  return lines.join("\n");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a newcomer most likely needs to know about this answer. */
function hintFor(answer: Answer, json: unknown, context: AnswerContext): string | undefined {
  const record = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const error = record.error as { code?: unknown } | undefined;
  const code = typeof error?.code === "string" ? error.code : undefined;
  if (record.status === "duplicate") {
    return context.fromFile
      ? "the gateway already accepted this notification; add --unique to send it with new ids, or change FILE"
      : "the gateway already accepted this notification; leave out --same to send new ids";
  }
  if (record.status === "quarantined") {
    return `the ${context.provider} adapter could not read this body, so it is kept whole in quarantine (GET /admin/dead-letters)`;
  }
  switch (code) {
    case "unauthorized":
      return `the gateway refused the credentials: does it run with the same config and secrets as ${context.configFile}?`;
    case "not_found":
      return `the gateway has no source "${context.sourceName}": does it run with ${context.configFile}?`;
    case "method_not_allowed":
      return `this source does not take this method (Allow: ${[answer.headers.allow].flat()[0] ?? "?"}); choose one with --method`;
    case "payload_too_large":
      return "the body is larger than the source's maxBodyBytes";
    case "invalid_payload":
      return `the ${context.provider} adapter could not read this body, and the source has onInvalid "reject"`;
    case "https_required":
      return "the gateway takes https only (plain http only from localhost): use an https:// --url";
    case "forbidden":
      return "the source's ipAllow or client-certificate (mtls) check refused this client";
    case "bad_config":
      return "the gateway's own config is invalid: check it with `npm run check-config -- FILE`";
    case "unavailable":
      return "the gateway could not queue the notification; a provider would retry later";
  }
  return undefined;
}
