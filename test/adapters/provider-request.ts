import { expect } from "vitest";
import type { Adapter, ProviderRequest } from "../../src/adapters/types";
import { DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST, type ProviderName, Source } from "../../src/config/schema";
import type { Notification } from "../../src/envelope";

export interface RequestInit {
  source?: string;
  method?: string;
  rest?: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** A provider request as the ingest pipeline hands it over: a JSON body by default. */
export function providerRequest(init: RequestInit = {}): ProviderRequest {
  const body = init.body ?? "";
  return {
    source: init.source ?? "test",
    method: init.method ?? "POST",
    rest: init.rest ?? "",
    query: new URLSearchParams(init.query ?? ""),
    headers: new Headers(init.headers ?? { "content-type": "application/json" }),
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
  };
}

export function sourceFor(provider: ProviderName, extra: Record<string, unknown> = {}): Source {
  return Source.parse({ provider, auth: [{ type: "none" }], ...extra });
}

/** The notifications an adapter reads from a request it must accept. */
export async function accepted(adapter: Adapter, request: ProviderRequest, source: Source): Promise<Notification[]> {
  const result = await adapter.adapt(request, source, source.maxNotificationsPerRequest ?? DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST);
  if (!result.ok) expect.fail(`expected the request to be read, got: ${result.reason}`);
  return result.notifications;
}

/** The one notification an adapter reads from a request it must accept. */
export async function acceptedOne(adapter: Adapter, request: ProviderRequest, source: Source): Promise<Notification> {
  const notifications = await accepted(adapter, request, source);
  expect(notifications).toHaveLength(1);
  return notifications[0]!;
}

/** The reason an adapter gives for a request it cannot read. */
export async function refused(adapter: Adapter, request: ProviderRequest, source: Source): Promise<string> {
  const result = await adapter.adapt(request, source, source.maxNotificationsPerRequest ?? DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST);
  if (result.ok) expect.fail(`expected the request to be refused, got ${result.notifications.length} notification(s)`);
  return result.reason;
}

export const HEX_SHA256 = /^[0-9a-f]{64}$/;
