import { adapt } from "../adapters/adapt";
import { KEYS_RETRY_AFTER_SECONDS } from "../auth/jwks";
import { localClientAuth } from "../certificates/local-report";
import { readPinnedFingerprints } from "../certificates/pins";
import type { GatewayConfig } from "../config/schema";
import { quarantine } from "../deadletters/quarantine";
import type { Bindings } from "../env";
import { toEnvelope } from "../envelope";
import { GatewayError } from "../errors";
import type { Recorder } from "../ledger/recorder";
import { allows } from "../net/ip";
import { isSecureOrLocal } from "../net/loopback";
import { isLocalDev } from "../net/targets";
import { acceptEnvelopes } from "./accept";
import { readBody } from "./body";
import { checkClientCertificate } from "./mtls";
import { sourceRuntime } from "./source-runtime";

/** The `detail` of an `unavailable` answered before the caller was authenticated: counted, never recorded. */
export const BEFORE_AUTHENTICATION = "signing_keys_unavailable";

export interface IngestRequest {
  request: Request;
  env: Bindings;
  config: GatewayConfig;
  now: Date;
  waitUntil: (promise: Promise<unknown>) => void;
  /** Where accepted envelopes are recorded (the caller flushes it). */
  events?: Recorder;
}

/** What the caller answers, and what the request log says about it. */
export type IngestOutcome =
  | { status: "accepted" | "duplicate"; source: string; ids: string[]; duplicates: string[] }
  | { status: "quarantined"; source: string; id: string; reason: string };

/**
 * The ingest pipeline, in the order of docs/contract.md §1. Each check fails closed by
 * throwing a GatewayError; nothing is parsed before the raw bytes are authenticated.
 */
export async function ingest({ request, env, config, now, waitUntil, events }: IngestRequest): Promise<IngestOutcome> {
  const url = new URL(request.url);
  if (!isSecureOrLocal(url)) {
    throw new GatewayError("https_required", "callbacks must use https");
  }

  const { name, rest } = parseHookPath(url.pathname);
  const runtime = sourceRuntime(config, name, { fetch: (input, init) => fetch(input, init) });
  if (!runtime) throw new GatewayError("not_found", "no such source");

  if (!runtime.methods.has(request.method)) {
    throw new GatewayError("method_not_allowed", `this source takes ${runtime.allowHeader}`, { Allow: runtime.allowHeader });
  }
  if (runtime.ipAllow && !allows(runtime.ipAllow, request.headers.get("cf-connecting-ip"))) {
    throw new GatewayError("forbidden", "this address may not call this source");
  }
  if (runtime.source.mtls) {
    const pinned = await readPinnedFingerprints(env.STATE, name);
    // The edge's report; in local development, the one `npm run send -- --client-cert` gives.
    const tls = localClientAuth(request.headers, url, isLocalDev(env.LOCAL_DEV)) ?? (request.cf as { tlsClientAuth?: unknown } | undefined)?.tlsClientAuth;
    const certificate = checkClientCertificate(tls, runtime.source.mtls, pinned, now.getTime());
    if (!certificate.ok) throw new GatewayError("forbidden", "a valid client certificate is required", {}, certificate.reason);
  }

  const body = await readBody(request, runtime.source.maxBodyBytes);
  const auth = await runtime.authenticate({ method: request.method, url, headers: request.headers, body, now: now.getTime() }).catch((error: unknown) => {
    // A rule that cannot work at all (a key the runtime refuses): 500 keeps the provider
    // retrying until the config is fixed, where a 401 would make it give up.
    throw new GatewayError("bad_config", `sources.${name}: ${error instanceof Error ? error.message : "an auth rule cannot be used"}`);
  });
  if (!auth.ok) {
    // A signing key that cannot be had now: the provider should retry, not give up.
    if (auth.unavailable) throw GatewayError.unavailable("the signing keys cannot be checked now; retry", KEYS_RETRY_AFTER_SECONDS, BEFORE_AUTHENTICATION);
    const headers: Record<string, string> = runtime.challenge ? { "WWW-Authenticate": runtime.challenge } : {};
    throw new GatewayError("unauthorized", "authentication failed", headers, auth.reasons.join(","));
  }

  // A credential in the query (a `query` rule) never reaches the adapter, so never the envelope.
  const query = runtime.credentialQuery.size === 0 ? url.searchParams : withoutNames(url.searchParams, runtime.credentialQuery);
  const providerRequest = { source: name, method: request.method, rest, query, headers: request.headers, body };
  const adapted = await adapt(runtime.adapter, providerRequest, runtime.source, runtime.maxNotifications);
  if (!adapted.ok) {
    // Larger than a request may be: kept whole, never refused and never half-delivered; a replay accepts it.
    const tooLarge = adapted.code === "too_many_notifications";
    if (runtime.source.onInvalid === "reject" && !tooLarge) throw new GatewayError("invalid_payload", adapted.reason);
    const id = await quarantine(env, config, runtime, providerRequest, adapted.reason, now, adapted.code);
    return { status: "quarantined", source: name, id, reason: adapted.reason };
  }
  const envelopes = adapted.notifications.map((n) => toEnvelope(name, n, now, runtime.dedupTtlSeconds));
  const result = await acceptEnvelopes({ env, config, source: runtime, now, waitUntil, dedup: "check", events }, envelopes);
  if (result.overBudget !== undefined) {
    const id = await quarantine(env, config, runtime, providerRequest, result.overBudget, now, "too_many_notifications");
    return { status: "quarantined", source: name, id, reason: result.overBudget };
  }
  const status = result.accepted.length === 0 && result.duplicates.length > 0 ? "duplicate" : "accepted";
  return { status, source: name, ids: result.accepted, duplicates: result.duplicates };
}

function withoutNames(query: URLSearchParams, names: ReadonlySet<string>): URLSearchParams {
  return new URLSearchParams([...query].filter(([name]) => !names.has(name)));
}

/** `/hooks/{source}` or `/hooks/{source}/{rest}`; `rest` keeps its inner slashes. */
export function parseHookPath(pathname: string): { name: string; rest: string } {
  const tail = pathname.slice("/hooks/".length);
  const slash = tail.indexOf("/");
  const name = decodeSegment(slash === -1 ? tail : tail.slice(0, slash));
  const rest = slash === -1 ? "" : tail.slice(slash + 1);
  return { name, rest: decodeSegment(rest) };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
