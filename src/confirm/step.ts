import { isObject } from "../adapters/read";
import type { Source } from "../config/schema";
import type { OutgoingEnvelope } from "../delivery/attempt";
import { log } from "../log";
import { call, PspError, type PspFetch } from "../provider-api/call";
import { API_READERS, disagreement } from "./providers";

/**
 * Confirm-by-fetch, the step between an accepted notification and its delivery. The provider
 * was answered at acceptance; here, with its own time, the gateway reads the resource the
 * notification names from the provider's API (src/provider-api/call.ts, shared with Pix
 * reconciliation) and:
 *
 * - delivers the envelope with the API's answer in `data.confirmed`, beside what the notification
 *   said, when the API agrees with every status and amount the notification states;
 * - keeps it, never delivered, when the API disagrees (`confirm_mismatch`) or has no such resource
 *   (404: `confirm_not_found`): a dead letter an operator can read and replay (which confirms anew);
 * - has it tried again later when the API cannot answer now (unreachable, 5xx, 429, a refused
 *   token): Queues' retries, then its dead-letter queue, so nothing is lost.
 *
 * Sources without `confirm`, and types that name no resource the reader knows, pass unchanged.
 * Each (envelope, route) message confirms on its own: two routes, two reads of the API.
 */
export type ConfirmOutcome =
  | ({ ok: true } & OutgoingEnvelope)
  | { ok: false; kept: true; reason: "confirm_mismatch" | "confirm_not_found"; detail: string }
  | { ok: false; kept: false; detail: string };

export async function confirmBeforeDelivery(source: Source | undefined, payload: OutgoingEnvelope, fetch: PspFetch): Promise<ConfirmOutcome> {
  const reader = source?.confirm ? API_READERS[source.provider] : undefined;
  const path = reader?.path(payload.envelope);
  if (!source?.confirm || !reader || path === undefined) return { ok: true, ...payload };

  const url = `${(source.confirm.baseUrl ?? reader.defaultBaseUrl).replace(/\/+$/, "")}${path}`;
  let answer: unknown;
  try {
    answer = await call(fetch, url, { method: "GET", headers: { Accept: "application/json", ...reader.headers(source.confirm.token) } }, "unauthorized");
  } catch (error) {
    const code = error instanceof PspError ? error.code : "unreachable";
    const status = error instanceof PspError ? error.status : undefined;
    if (status === 404) return { ok: false, kept: true, reason: "confirm_not_found", detail: `the provider's API has no ${path}` };
    log({ event: "confirm_unavailable", envelopeId: payload.envelope.id, code, status });
    return { ok: false, kept: false, detail: `the provider's API could not be read: ${code}` };
  }

  const data = payload.envelope.data;
  const problem = disagreement(reader.claimed(data), reader.answered(answer));
  if (problem !== undefined) return { ok: false, kept: true, reason: "confirm_mismatch", detail: problem };
  const envelope = { ...payload.envelope, data: { ...(isObject(data) ? data : { notification: data }), confirmed: answer } };
  return { ok: true, envelope, body: JSON.stringify(envelope) };
}
