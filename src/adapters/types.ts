import type { HttpMethod, Source } from "../config/schema";
import type { Notification } from "../envelope";

/** Everything an adapter may read of a provider's request. Plain data: no Hono, no bindings. */
export interface ProviderRequest {
  /** The configured source name (the URL segment). */
  source: string;
  method: string;
  /** The path after `/hooks/{source}/`, percent-decoded, without a leading slash; "" when there is none. */
  rest: string;
  query: URLSearchParams;
  headers: Headers;
  /** The raw body, exactly as received (already authenticated). */
  body: Uint8Array;
}

export type AdaptResult =
  | { ok: true; notifications: Notification[] }
  /**
   * `reason` is a short sentence for the quarantine record and the 400 answer; `code` says why
   * it is kept when it is not plain unreadability (`invalid_payload`, the default).
   */
  | { ok: false; reason: string; code?: "reserved_type" | "unserializable" | "too_many_notifications" };

/** The reason a request carrying more notifications than its source's bound is kept whole. */
export function tooMany(count: number, max: number): string {
  return `${count} notifications, more than maxNotificationsPerRequest (${max})`;
}

export interface Adapter {
  /** Methods a source of this provider accepts when its config does not say. */
  readonly defaultMethods: readonly HttpMethod[];
  /** How long a notification id is remembered, when the source does not say. */
  readonly defaultDedupTtlSeconds: number;
  /**
   * `maxNotifications`: the source's bound. An adapter that can make many notifications of one
   * request counts them before building any, and answers `too_many_notifications` past it.
   */
  adapt(request: ProviderRequest, source: Source, maxNotifications: number): Promise<AdaptResult>;
}
