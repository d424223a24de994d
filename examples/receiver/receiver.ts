/**
 * A service that receives hookgate's deliveries, as a team's own service would: it verifies
 * the Standard Webhooks signature with the reference library, reads the CloudEvent with the
 * CloudEvents SDK, and answers the way the gateway expects.
 *
 * - 2xx: done. A repeated `webhook-id` is answered 200 without doing the work again: the
 *   gateway delivers at least once, so a retry, a replay or a provider's duplicate can arrive.
 * - 503 with `Retry-After`: busy; the gateway tries again after that many seconds.
 * - 401 for a bad signature and 400 for what is not a CloudEvent: the gateway keeps such a
 *   delivery as a dead letter at once instead of retrying it.
 * - 500 when the work fails: the gateway retries with backoff.
 */
import { type CloudEventV1, HTTP } from "cloudevents";
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";

/** Thrown by `handle` when the work cannot be taken now (a database at capacity): answered 503. */
export class Busy extends Error {}

/** The ids already handled. In memory here; a real service keeps them where its work goes. */
export interface SeenIds {
  has(id: string): boolean | Promise<boolean>;
  add(id: string): void | Promise<void>;
}

export interface ReceiverOptions {
  /** The route's `signingSecret` (`whsec_...`). */
  secret: string;
  /** The work. It runs once per `webhook-id` (until it succeeds). */
  handle: (event: CloudEventV1<unknown>) => Promise<void>;
  seen?: SeenIds;
  /** At most this many events are worked on at once; past it the answer is 503. */
  maxInFlight?: number;
  retryAfterSeconds?: number;
}

export function createReceiver(options: ReceiverOptions): Hono {
  const webhook = new Webhook(options.secret);
  const seen = options.seen ?? memorySeenIds();
  const maxInFlight = options.maxInFlight ?? 16;
  const retryAfter = String(options.retryAfterSeconds ?? 30);
  const inFlight = new Set<string>();
  const app = new Hono();

  app.on(["POST", "PUT", "GET"], "/webhooks", async (c) => {
    // The signature covers the exact bytes: read the raw text before anything parses it.
    const body = await c.req.text();
    const headers = c.req.header();
    try {
      webhook.verify(body, headers, { jsonParse: false });
    } catch {
      return c.json({ error: "bad signature" }, 401);
    }

    let event: CloudEventV1<unknown>;
    try {
      // Structured mode (application/cloudevents+json) for POST and PUT; binary mode (ce-*
      // headers, no body) for a GET route.
      const parsed = HTTP.toEvent<unknown>({ headers: decodedCeHeaders(headers), body: body === "" ? undefined : body });
      if (Array.isArray(parsed)) return c.json({ error: "expected one event, not a batch" }, 400);
      event = parsed;
    } catch {
      return c.json({ error: "not a CloudEvent" }, 400);
    }

    const id = headers["webhook-id"]!;
    if (await seen.has(id)) return c.json({ status: "duplicate", id: event.id });
    if (inFlight.has(id) || inFlight.size >= maxInFlight) {
      c.header("Retry-After", retryAfter);
      return c.json({ error: "busy" }, 503);
    }
    inFlight.add(id);
    try {
      await options.handle(event);
      await seen.add(id);
    } catch (error) {
      if (!(error instanceof Busy)) return c.json({ error: "processing failed" }, 500);
      c.header("Retry-After", retryAfter);
      return c.json({ error: "busy" }, 503);
    } finally {
      inFlight.delete(id);
    }
    return c.json({ status: "processed", id: event.id, type: event.type, subject: event.subject });
  });

  return app;
}

/**
 * The CloudEvents HTTP binding percent-encodes `ce-*` header values (space, `"`, `%` and
 * anything outside printable ASCII), and hookgate does; the `cloudevents` SDK 10 does not
 * decode them, so an id such as `acme:nota nº 7` would come out as `acme:nota%20n%C2%BA%207`.
 */
function decodedCeHeaders(headers: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith("ce-")) decoded[name] = value;
    else {
      try {
        decoded[name] = decodeURIComponent(value);
      } catch {
        decoded[name] = value;
      }
    }
  }
  return decoded;
}

/** Remembers the latest `limit` ids, forgetting the oldest first. */
export function memorySeenIds(limit = 100_000): SeenIds {
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add: (id) => {
      ids.add(id);
      if (ids.size > limit) ids.delete(ids.values().next().value!);
    },
  };
}
