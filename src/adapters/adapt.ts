import type { Source } from "../config/schema";
import type { Adapter, AdaptResult, ProviderRequest } from "./types";

/**
 * Reads a request with its provider's adapter. An adapter that throws (a payload nobody
 * foresaw) must not turn an authenticated request into a 500 that the provider retries until
 * it gives up: it is kept like one the adapter could not read, and can be replayed once the
 * adapter is fixed.
 */
export async function adapt(adapter: Adapter, request: ProviderRequest, source: Source): Promise<AdaptResult> {
  try {
    return await adapter.adapt(request, source);
  } catch (error) {
    return { ok: false, reason: `the adapter failed on this request (${error instanceof Error ? error.name : "error"})` };
  }
}
