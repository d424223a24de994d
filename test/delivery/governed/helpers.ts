import { env } from "cloudflare:workers";
import type { DeliveryDeps } from "../../../src/delivery/attempt";
import type { DeliveryMessage } from "../../../src/delivery/message";
import type { Bindings } from "../../../src/env";
import { callWorker } from "../../helpers";
import { ADMIN_TOKEN, bindings, eventConfig } from "../../ledger/helpers";
import { deps, runBatch } from "../helpers";

export { seeded } from "../../seeded";

/** The real receiver test/node/recorder.ts runs on 127.0.0.1 (its ephemeral port, vitest.config.ts). */
export const RECORDER = `http://127.0.0.1:${env.TEST_RECORDER_PORT}`;

export interface Arrival {
  at: number;
  headers: Record<string, string>;
  body: string;
  status: number;
}

export function bucketUrl(bucket: string): string {
  return `${RECORDER}/b/${bucket}`;
}

export async function control(bucket: string, settings: { status?: number; failFirst?: number; seed?: number }): Promise<void> {
  const response = await fetch(`${RECORDER}/control/${bucket}`, { method: "PUT", body: JSON.stringify(settings) });
  if (response.status !== 204) throw new Error(`recorder control: ${response.status}`);
}

export async function arrivals(bucket: string): Promise<Arrival[]> {
  return fetch(`${RECORDER}/log/${bucket}`).then((r) => r.json<Arrival[]>());
}

/** A route to the recorder's bucket, taking the tests' acme events. */
export function recorderRoute(id: string, bucket: string, more: Record<string, unknown> = {}) {
  return { id, events: ["acme.*"], url: bucketUrl(bucket), ...more };
}

interface Pending {
  body: DeliveryMessage;
  dueAt: number;
}

/**
 * The real local queue, wrapped to keep each message sent and when it is due (now + its
 * delay, on the test's clock), so the test can hand due messages to the consumer as Queues
 * would, in whatever order it likes.
 */
export function timedQueue(clock: () => number) {
  const pending: Pending[] = [];
  const queue = {
    async send(body: DeliveryMessage, options?: QueueSendOptions) {
      pending.push({ body, dueAt: clock() + (options?.delaySeconds ?? 0) * 1000 });
      await env.DELIVERIES.send(body, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>, options?: QueueSendBatchOptions) {
      const list = [...messages];
      for (const m of list) pending.push({ body: m.body, dueAt: clock() + (m.delaySeconds ?? options?.delaySeconds ?? 0) * 1000 });
      await env.DELIVERIES.sendBatch(list, options);
    },
  };
  /** Takes the messages due at `now` out of the queue. */
  const due = (now: number) => {
    const taken = pending.filter((p) => p.dueAt <= now);
    for (const p of taken) pending.splice(pending.indexOf(p), 1);
    return taken.map((p) => p.body);
  };
  const nextDue = () => Math.min(...pending.map((p) => p.dueAt));
  return { queue, due, nextDue, pending };
}

/** The test's bindings: the events helpers' acme source, these routes, and the timed queue. */
export function governedBindings(routes: unknown[], queue: unknown, extra: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Bindings {
  return bindings(eventConfig(routes, extra), { DELIVERIES: queue, ...overrides });
}

/**
 * Runs the consumer over `bodies` in batches of 10, `parallel` batches at once, delivering for
 * real: at `now` (the test's clock), or on the real clock when `now` is "real".
 */
export async function consume(bodies: unknown[], bound: Bindings, now: number | "real", parallel = 1): Promise<void> {
  const batches: unknown[][] = [];
  for (let i = 0; i < bodies.length; i += 10) batches.push(bodies.slice(i, i + 10));
  const dependencies: DeliveryDeps =
    now === "real" ? { fetch: globalThis.fetch.bind(globalThis), now: Date.now, random: Math.random } : deps(globalThis.fetch, now);
  for (let i = 0; i < batches.length; i += parallel) {
    await Promise.all(batches.slice(i, i + parallel).map((batch) => runBatch(batch, bound, dependencies)));
  }
}

/** A seeded shuffle: Queues keep no order, and neither does the test. */
export function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** An admin POST without a body (pause, resume): the answer's status. */
export async function adminPost(path: string, bound: Bindings): Promise<number> {
  const response = await callWorker(new Request(`http://localhost${path}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }), bound);
  await response.body?.cancel();
  return response.status;
}
