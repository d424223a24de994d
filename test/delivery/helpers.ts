import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { handleDeadLetterBatch } from "../../src/deadletters/queue";
import type { DeliveryDeps } from "../../src/delivery/attempt";
import { handleDeliveryBatch } from "../../src/delivery/consumer";
import type { DeliveryMessage } from "../../src/delivery/message";
import type { Bindings } from "../../src/env";
import type { Envelope } from "../../src/envelope";

export const NOW = Date.parse("2026-05-01T12:00:00Z");
export const LEDGER_TOKEN = "tok-ledger-7f3a9c";
export const LEDGER_WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const AUDIT_PASSWORD = "p:ss-audit-51";
export const PROBE_KEY = "k-probe-2210";

export const CONFIG = {
  sources: { acme: { provider: "generic", auth: [{ type: "none" }] } },
  routes: [
    {
      id: "ledger",
      events: ["*"],
      url: "http://127.0.0.1:8787/ledger",
      auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } },
      signingSecret: { secret: "LEDGER_WHSEC" },
    },
    { id: "audit", events: ["*"], url: "http://127.0.0.1:8787/audit", method: "PUT", auth: { type: "basic", username: "hook", password: AUDIT_PASSWORD } },
    {
      id: "probe",
      events: ["*"],
      url: "http://localhost:8787/probe",
      method: "GET",
      auth: { type: "header", name: "X-API-Key", value: PROBE_KEY },
      signingSecret: { secret: "LEDGER_WHSEC" },
    },
    { id: "slow", events: ["*"], url: "http://127.0.0.1:8787/slow", timeoutMs: 100 },
  ],
  delivery: { maxAttempts: 4, deadLetterTtlDays: 3 },
};

/** The test's bindings: real local KV and queue, with the config and its secrets. */
export function testEnv(config: unknown = CONFIG): Bindings {
  return { ...env, GATEWAY_CONFIG: JSON.stringify(config), LEDGER_TOKEN, LEDGER_WHSEC } as Bindings;
}

let counter = 0;

export function envelope(overrides: Partial<Envelope> = {}): Envelope {
  counter += 1;
  return {
    specversion: "1.0",
    id: `acme:evt-${counter}-${crypto.randomUUID().slice(0, 8)}`,
    source: "/hooks/acme",
    type: "acme.paid",
    subject: "order 42",
    time: "2026-05-01T09:00:00-03:00",
    datacontenttype: "application/json",
    data: { amount: 1250, currency: "BRL" },
    receivedat: "2026-05-01T12:00:00.000Z",
    ...overrides,
  };
}

export function deliveryMessage(routeId: string, overrides: Partial<DeliveryMessage> = {}): DeliveryMessage {
  return { v: 1, routeId, source: "acme", envelope: envelope(), attempts: [], ...overrides };
}

export interface Received {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  redirect: RequestInit["redirect"];
  signal: AbortSignal | undefined;
}

/** What the target does, attempt after attempt; after the script it answers 200. */
export type Step = Response | "hang" | Error;

/** An injected fetch standing in for the internal target: records each request, answers from a script. */
export function target(...script: Step[]) {
  return answering(() => script.shift() ?? new Response("ok"));
}

/** A target whose answer depends on the request (for batches, whose requests race). */
export function answering(answer: (url: string) => Step) {
  const received: Received[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    received.push({
      url: String(input),
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers ?? {})),
      body: init.body === undefined || init.body === null ? undefined : String(init.body),
      redirect: init.redirect,
      signal: init.signal ?? undefined,
    });
    const step = answer(String(input));
    if (step === "hang") {
      return new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }
    if (step instanceof Error) throw step;
    return step;
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, received };
}

export function deps(fetch: typeof globalThis.fetch, now = NOW, random = () => 0.5): DeliveryDeps {
  return { fetch, now: () => now, random };
}

/** Spies on the real queue producer; the consumer's re-sends still reach the local queue. */
export function spyOnResends() {
  const send = vi.spyOn(env.DELIVERIES, "send");
  const resent = () => send.mock.calls.map(([body, options]) => ({ body: body as DeliveryMessage, delaySeconds: options?.delaySeconds }));
  return { send, resent };
}

/** Runs one batch through a handler and returns Queues' verdict on each message. */
export async function runBatch(
  bodies: unknown[],
  bindings: Bindings,
  dependencies: DeliveryDeps,
  queueName = "hookgate-deliveries",
  /** How many times Queues has handed each message over, this time included. */
  queueAttempts = 1,
) {
  const messages = bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(NOW), attempts: queueAttempts, body }));
  const batch = createMessageBatch(queueName, messages);
  const ctx = createExecutionContext();
  // Queues' verdict does not report a retry's delay; the spies do, and still call through.
  const retrySpies = batch.messages.map((message) => vi.spyOn(message, "retry"));
  if (queueName === "hookgate-deliveries") await handleDeliveryBatch(batch, bindings, dependencies, (p) => ctx.waitUntil(p));
  else await handleDeadLetterBatch(batch, bindings, dependencies);
  const result = await getQueueResult(batch, ctx);
  const ids = messages.map((m) => m.id);
  const acked = (i: number) => result.explicitAcks.includes(ids[i]!);
  const retried = (i: number) => result.retryMessages.some((r: { msgId: string }) => r.msgId === ids[i]);
  /** The options of message i's retry() call, or undefined when it was not retried. */
  const retryOptions = (i: number) => retrySpies[i]!.mock.calls[0]?.[0] ?? (retried(i) ? {} : undefined);
  return { result, ids, acked, retried, retryOptions };
}

/** Silences the consumer's log lines and hands them back, parsed. */
export function captureLogs() {
  const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
  const raw = () => spy.mock.calls.map((args) => args.map(String).join(" "));
  const lines = () => raw().map((line) => JSON.parse(line) as Record<string, unknown>);
  return { raw, lines };
}
