import { env } from "cloudflare:workers";
import type { DeliveryMessage } from "../../src/delivery/message";
import type { Bindings } from "../../src/env";
import { deps, runBatch, type Step } from "../delivery/helpers";
import { basic, callWorker } from "../helpers";

export const ADMIN_TOKEN = "admin-token-events-7d1e-4a9c2f0b6e";
export const ACME_PASSWORD = "acme-s3cret-pa55";

/** A generic source with basic auth, its id and type in the body; routes as the test needs. */
export function eventConfig(routes: unknown[], extra: Record<string, unknown> = {}) {
  return {
    sources: {
      acme: {
        provider: "generic",
        idPath: "body.id",
        typePath: "body.type",
        auth: [{ type: "basic", username: "acme", password: { secret: "ACME_PASSWORD" } }],
      },
      bs2: { provider: "bs2-boleto", auth: [{ type: "basic", username: "acme", password: { secret: "ACME_PASSWORD" } }] },
      strict: { provider: "generic", idPath: "body.id", typePath: "body.type", onInvalid: "quarantine", auth: [{ type: "none" }] },
    },
    routes,
    ...extra,
  };
}

export function route(id: string, events: string[] = ["acme.*"], more: Record<string, unknown> = {}) {
  return { id, events, url: `http://127.0.0.1:9/${id}`, ...more };
}

/** The real local queue, wrapped to keep what is sent so the test can hand it to the consumer. */
export function capturingQueue() {
  const sent: unknown[] = [];
  const queue = {
    async send(body: DeliveryMessage, options?: QueueSendOptions) {
      sent.push(body);
      await env.DELIVERIES.send(body, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>, options?: QueueSendBatchOptions) {
      const list = [...messages];
      sent.push(...list.map((m) => m.body));
      await env.DELIVERIES.sendBatch(list, options);
    },
  };
  /** What was sent since the last call. */
  const take = () => sent.splice(0, sent.length);
  return { queue, take };
}

export function bindings(config: unknown, overrides: Record<string, unknown> = {}): Bindings {
  return { ...env, GATEWAY_CONFIG: JSON.stringify(config), ACME_PASSWORD, ADMIN_TOKEN, ...overrides } as Bindings;
}

export function notify(body: Record<string, unknown>, bound: Bindings, password = ACME_PASSWORD, source = "acme"): Promise<Response> {
  return callWorker(
    new Request(`http://localhost/hooks/${source}`, {
      method: "POST",
      headers: { authorization: basic("acme", password), "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    bound,
  );
}

export async function admin<T = unknown>(path: string, bound: Bindings, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await callWorker(
    new Request(`http://localhost${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) },
    }),
    bound,
  );
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Runs the consumer over what was queued, then over what it re-sent, until nothing is left:
 * the life of every message, with the target answering per URL from `answers`, in batches of
 * `batchSize` (wrangler.toml's is 25; most tests keep 10).
 */
export async function drain(take: () => unknown[], bound: Bindings, answer: (url: string) => Step, now = Date.now(), batchSize = 10) {
  const fetch = (async (input: RequestInfo | URL) => {
    const step = answer(String(input));
    if (step instanceof Error) throw step;
    if (step === "hang") throw new Error("hang is not used here");
    return step;
  }) as typeof globalThis.fetch;
  for (let round = 0; round < 20; round++) {
    const bodies = take();
    if (bodies.length === 0) return;
    for (let i = 0; i < bodies.length; i += batchSize) await runBatch(bodies.slice(i, i + batchSize), bound, deps(fetch, now));
  }
  throw new Error("the queue did not drain in 20 rounds");
}
