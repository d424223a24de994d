import type { Route } from "../config/schema";
import type { Envelope } from "../envelope";
import type { DeliveryOutcome } from "./classify";
import type { Attempt } from "./message";
import { buildDeliveryRequest, slackMessage, webhookId } from "./request";
import { signStandardWebhook } from "./sign";

/** How much of a failed response's body is kept in the attempt (and so in a dead letter). */
export const ERROR_BODY_BYTES = 2048;

export interface DeliveryDeps {
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
}

/** The envelope to deliver and the exact text to send (as stored, when it was stored aside). */
export interface OutgoingEnvelope {
  envelope: Envelope;
  body: string;
}

export interface AttemptResult {
  attempt: Attempt;
  outcome: DeliveryOutcome;
}

/**
 * One HTTP attempt, bounded by the route's timeout. Never throws for what the target does.
 * `sequence`: an ordered route's number for the envelope's key, sent as `hookgate-sequence`.
 */
export async function attemptDelivery(route: Route, payload: OutgoingEnvelope, deps: DeliveryDeps, sequence?: number): Promise<AttemptResult> {
  const started = deps.now();
  const timestamp = Math.floor(started / 1000);
  const sent = route.method === "GET" ? "" : route.format === "slack" ? slackMessage(payload.envelope) : payload.body;
  const signature = route.signingSecret ? await signStandardWebhook(route.signingSecret, webhookId(payload.envelope), timestamp, sent) : undefined;
  const request = buildDeliveryRequest(route, payload.envelope, sent, timestamp, signature);
  if (sequence !== undefined) request.init.headers["hookgate-sequence"] = String(sequence);
  const signal = AbortSignal.timeout(route.timeoutMs);
  const attempt = (status: number | undefined, error: string | undefined): Attempt => ({
    at: new Date(started).toISOString(),
    ...(status !== undefined && { status }),
    ...(error !== undefined && error !== "" && { error }),
    durationMs: Math.max(0, deps.now() - started),
  });
  try {
    const response = await deps.fetch(request.url, { ...request.init, signal });
    const error = await describeResponse(response);
    return {
      attempt: attempt(response.status, error),
      outcome: { kind: "response", status: response.status, retryAfter: response.headers.get("retry-after") },
    };
  } catch (error) {
    if (signal.aborted) return { attempt: attempt(undefined, `timeout after ${route.timeoutMs} ms`), outcome: { kind: "timeout" } };
    return { attempt: attempt(undefined, `network error: ${describeError(error)}`), outcome: { kind: "network" } };
  }
}

/** Nothing for a success; the redirect target or the start of the body for a failure. */
async function describeResponse(response: Response): Promise<string | undefined> {
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const body = await readCut(response, ERROR_BODY_BYTES);
  if (response.status < 300 || response.status >= 400) return body;
  const location = response.headers.get("location");
  return `redirect not followed${location ? ` (Location: ${location.slice(0, 500)})` : ""}${body ? `: ${body}` : ""}`;
}

/** The first `limit` bytes of the body as text; what arrived before a read failed otherwise. */
async function readCut(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const kept = new Uint8Array(limit);
  let size = 0;
  try {
    while (size < limit) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const bytes = chunk.value as Uint8Array;
      const take = Math.min(bytes.byteLength, limit - size);
      kept.set(bytes.subarray(0, take), size);
      size += take;
    }
  } catch {
    // The body broke off (or the timeout hit): keep what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(kept.subarray(0, size));
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // A URL in an error message must not carry credentials into a dead letter or a log line.
  return text.replace(/\/\/[^/@\s]*@/g, "//***@").slice(0, 300);
}
