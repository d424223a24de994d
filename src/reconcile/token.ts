import { asNumber, asString, field } from "../adapters/read";
import { base64Encode, utf8 } from "../bytes";
import type { Reconcile } from "../config/schema";
import { call, PspError, type PspFetch } from "./psp";

/**
 * OAuth2 client credentials (RFC 6749 §4.4) against the PSP's token endpoint, the token kept
 * until it expires.
 *
 * Where it is kept: in the isolate's memory only, never in KV. The token reads every payer's
 * name and document through the PSP's API; KV would make it one more stored credential, readable
 * by anyone with access to the namespace, to save one token request per run (PSPs' tokens live
 * 5-60 minutes and runs are minutes apart, so most runs would need a new one anyway). Runs in a
 * warm isolate reuse it; a cold one asks again.
 *
 * The cache is keyed by the source's parsed `reconcile` object: a config or secret change
 * parses anew (config/load.ts), so a rotated secret never reuses the old secret's token.
 */

/** A token is not used in its last 30 s: a page request must not carry one that expires on the way. */
const EXPIRY_MARGIN_MS = 30_000;
/** When the PSP does not say how long a token lives (`expires_in`), it is used for one minute. */
const DEFAULT_LIFETIME_SECONDS = 60;

interface CachedToken {
  accessToken: string;
  expiresAt: number;
}

const tokens = new WeakMap<Reconcile, CachedToken>();

export async function accessToken(reconcile: Reconcile, fetch: PspFetch, now: number): Promise<string> {
  const cached = tokens.get(reconcile);
  if (cached && cached.expiresAt > now) return cached.accessToken;
  const fresh = await requestToken(reconcile, fetch, now);
  tokens.set(reconcile, fresh);
  return fresh.accessToken;
}

/** After the API refused a token: the next call asks for a new one. */
export function forgetToken(reconcile: Reconcile): void {
  tokens.delete(reconcile);
}

async function requestToken(reconcile: Reconcile, fetch: PspFetch, now: number): Promise<CachedToken> {
  const fields: Record<string, string> = { grant_type: "client_credentials" };
  if (reconcile.scope.trim() !== "") fields.scope = reconcile.scope.trim();
  const headers: Record<string, string> = { Accept: "application/json" };
  if (reconcile.tokenAuth === "basic") {
    // As the PSPs document it: base64 of "id:secret", the two as given.
    headers.Authorization = `Basic ${base64Encode(utf8(`${reconcile.clientId}:${reconcile.clientSecret}`))}`;
  } else {
    fields.client_id = reconcile.clientId;
    fields.client_secret = reconcile.clientSecret;
  }
  let body: string;
  if (reconcile.tokenFormat === "json") {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(fields);
  } else {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(fields).toString();
  }

  const answer = await call(fetch, reconcile.tokenUrl, { method: "POST", headers, body }, "token_refused");
  const accessToken = asString(field(answer, "access_token"));
  if (accessToken === undefined) throw new PspError("garbage");
  const lifetime = asNumber(field(answer, "expires_in")) ?? DEFAULT_LIFETIME_SECONDS;
  return { accessToken, expiresAt: now + Math.max(0, lifetime * 1000 - EXPIRY_MARGIN_MS) };
}
