import { parseJson } from "../adapters/read";
import { MAX_BODY_BYTES_LIMIT } from "../config/schema";
import { readAtMost } from "../ingest/body";

/**
 * Reading a resource back from a provider's API: the one piece Pix reconciliation (src/reconcile,
 * Banco Central's GET /pix) and confirm-by-fetch (src/confirm, a payment provider's GET of the
 * resource a notification names) share. A timeout, no redirects (a token must not follow one),
 * the answer read within the bounds a webhook body is read with, and every failure a PspError
 * with a code and the HTTP status: never the provider's body, which may echo a credential.
 */

export type PspFetch = (input: string, init: RequestInit) => Promise<Response>;

export const PspErrorCode = {
  /** The certificate binding named by `certificate` is not bound to the Worker. */
  certificate_missing: "certificate_missing",
  /** The token endpoint refused the client (400, 401, 403): wrong id, secret, scope or certificate. */
  token_refused: "token_refused",
  /** The API refused the token (401, 403): revoked, or the scope lacks pix.read. */
  unauthorized: "unauthorized",
  rate_limited: "rate_limited",
  server_error: "server_error",
  /** Any other status (400 for a query the PSP will not take, 404 for a wrong baseUrl). */
  bad_status: "bad_status",
  /** A 2xx whose body is not what the API Pix answers (not JSON, or nested deeper than a webhook body may be). */
  garbage: "garbage",
  /** A 2xx whose body is larger than MAX_PSP_ANSWER_BYTES: ask for fewer itemsPerPage. */
  too_large: "too_large",
  /** No answer: DNS, TLS, connection, or no answer within the timeout. */
  unreachable: "unreachable",
} as const;
export type PspErrorCode = keyof typeof PspErrorCode;

export class PspError extends Error {
  constructor(
    readonly code: PspErrorCode,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(status === undefined ? code : `${code} (HTTP ${status})`);
    this.name = "PspError";
  }
}

const TIMEOUT_MS = 10_000;

/**
 * The most of one answer that is read: the largest body a source may take. A page of 1,000 Pix
 * is well under it; past it the rest is not read (a PSP, or whoever answers for its URL, could
 * otherwise fill the invocation's 128 MB).
 */
export const MAX_PSP_ANSWER_BYTES = MAX_BODY_BYTES_LIMIT;

/** The fetch to use for this source's PSP, or why there is none. */
/** One call: a timeout, no redirects (a token must not follow one), failures as PspError. */
export async function call(fetch: PspFetch, url: string, init: RequestInit, onAuthFailure: PspErrorCode): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new PspError("unreachable");
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new PspError(classify(response.status, onAuthFailure), response.status, retryAfter(response.headers.get("retry-after")));
  }
  // Within the bounds a webhook's body is read with: a size cap while streaming, the nesting check before parsing.
  const body = response.body === null ? new Uint8Array(0) : await readAtMost(response.body, MAX_PSP_ANSWER_BYTES, (reader) => reader.cancel());
  if (body === undefined) throw new PspError("too_large", response.status);
  const parsed = parseJson(body);
  if (!parsed.ok) throw new PspError("garbage", response.status);
  return parsed.value;
}

function classify(status: number, onAuthFailure: PspErrorCode): PspErrorCode {
  if (status === 401 || status === 403) return onAuthFailure;
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  if (onAuthFailure === "token_refused" && status === 400) return "token_refused"; // RFC 6749 §5.2: invalid_client, invalid_scope
  return "bad_status";
}

function retryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
