import type { ProviderRequest } from "../adapters/types";
import { base64Encode } from "../bytes";
import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { type DeadLetter, type DeadLetterReason, quarantineId } from "./record";
import { putDeadLetter } from "./store";

/** What quarantine must know of a source: what to strip, and what tells two notifications apart. */
export interface QuarantineSource {
  name: string;
  /** Header names that carry a credential, lower case: never kept. */
  credentialHeaders: ReadonlySet<string>;
  /** Headers that tell one notification from another when bodies are equal (`webhook-id`, ...). */
  identityHeaders: readonly string[];
}

/**
 * Keeps a request the adapter could not read, whole: raw bytes, headers without
 * credentials, the query without credential parameters. The id is derived from the
 * request, so a provider retrying the same broken request overwrites one record instead
 * of filling the store. Written before answering: if it cannot be kept, the provider is
 * told to retry (503), never that it was taken.
 */
export async function quarantine(
  env: Bindings,
  config: GatewayConfig,
  runtime: QuarantineSource,
  request: ProviderRequest,
  problem: string,
  now: Date,
  reason: Extract<DeadLetterReason, "invalid_payload" | "reserved_type" | "unserializable" | "too_many_notifications"> = "invalid_payload",
): Promise<string> {
  // The pipeline already took credential parameters out of the query it hands on.
  const query = request.query.toString();
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!runtime.credentialHeaders.has(name.toLowerCase())) headers[name] = value;
  });
  const bodyBase64 = base64Encode(request.body);
  // The same broken request retried keeps one record; two notifications that differ only
  // in a header the adapter reads them by (webhook-id, an idPath header) keep two.
  const identity = runtime.identityHeaders.map((name) => `${name}:${request.headers.get(name) ?? ""}`);
  const id = await quarantineId([runtime.name, request.method, request.rest, query, ...identity, bodyBase64]);
  const record: DeadLetter = {
    id,
    kind: "quarantine",
    source: runtime.name,
    reason,
    createdAt: now.toISOString(),
    state: "dead",
    attempts: [],
    lastError: problem,
    request: { method: request.method, rest: request.rest, query, headers, bodyBase64 },
  };
  try {
    await putDeadLetter(env.STATE, record, config.delivery.deadLetterTtlDays);
  } catch {
    throw GatewayError.unavailable("the request could not be kept; retry");
  }
  return id;
}
