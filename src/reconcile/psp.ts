import type { Reconcile } from "../config/schema";
import { PspError, type PspFetch } from "../provider-api/call";

/**
 * How the reconciler talks to a PSP: through the source's mTLS certificate binding when it
 * names one (a Workers `mtls_certificates` binding is a Fetcher that presents the client
 * certificate), plain fetch otherwise. The call itself is src/provider-api/call.ts, shared
 * with confirm-by-fetch.
 */
export { call, MAX_PSP_ANSWER_BYTES, PspError, PspErrorCode, type PspFetch } from "../provider-api/call";

/** The fetch to use for this source's PSP, or why there is none. */
export function pspFetch(reconcile: Reconcile, env: Record<string, unknown>, plain: PspFetch): PspFetch {
  if (reconcile.certificate === undefined) return plain;
  const binding = env[reconcile.certificate] as { fetch?: unknown } | undefined;
  // Fail closed: a PSP that asks for a certificate must not be called without it.
  if (typeof binding?.fetch !== "function") throw new PspError("certificate_missing");
  const fetcher = binding as { fetch: PspFetch };
  return (input, init) => fetcher.fetch(input, init);
}
