import { schemaProblem } from "../catalog/source-schema";
import type { Source } from "../config/schema";
import type { NotificationPayload } from "../envelope";
import { unstorablePayload } from "./json-limits";
import { mayEmit } from "./reserved";
import { type Adapter, type AdaptResult, type ProviderRequest, tooMany } from "./types";

/**
 * Reads a request with its provider's adapter. An adapter that throws (a payload nobody
 * foresaw) must not turn an authenticated request into a 500 that the provider retries until
 * it gives up: it is kept like one the adapter could not read, and can be replayed once the
 * adapter is fixed.
 *
 * A type in a namespace another adapter or the gateway owns (see ./reserved.ts) is kept the
 * same way, with reason `reserved_type`: it may be a sender posing as a provider; and so is
 * a payload that could not be stored (`unserializable`), which would otherwise fail every retry;
 * and a request carrying more than `maxNotifications` (`too_many_notifications`), before any
 * payload is serialized. A source with a `schema` keeps a payload that does not meet it the same
 * way, with the failing path (catalog/source-schema.ts).
 */
export async function adapt(adapter: Adapter, request: ProviderRequest, source: Source, maxNotifications: number): Promise<AdaptResult> {
  let result: AdaptResult;
  try {
    result = await adapter.adapt(request, source, maxNotifications);
  } catch (error) {
    return { ok: false, reason: `the adapter failed on this request (${error instanceof Error ? error.name : "error"})` };
  }
  if (!result.ok) return result;
  if (result.notifications.length > maxNotifications) {
    return { ok: false, code: "too_many_notifications", reason: tooMany(result.notifications.length, maxNotifications) };
  }
  // Once per distinct payload: notifications of one item may share theirs.
  const checked = new Set<NotificationPayload>();
  for (const { payload } of result.notifications) {
    if (checked.has(payload)) continue;
    checked.add(payload);
    const unstorable = unstorablePayload(payload);
    if (unstorable) return { ok: false, code: "unserializable", reason: unstorable };
  }
  const foreign = result.notifications.find((n) => !mayEmit(source.provider, n.type));
  if (foreign) {
    return {
      ok: false,
      code: "reserved_type",
      reason: `The type ${JSON.stringify(foreign.type.slice(0, 100))} is reserved for another provider or the gateway.`,
    };
  }
  if (source.schema !== undefined) {
    for (const { payload } of result.notifications) {
      const problem = payload.kind === "json" ? schemaProblem(source.schema, payload.value) : "the payload is not JSON";
      if (problem) return { ok: false, reason: `The payload does not meet the source's schema at ${problem}` };
    }
  }
  return result;
}
