import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetter } from "../../src/deadletters/build";
import { deliveryDeadLetterId, unreadableDeadLetterId, unroutedDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter, putDeadLetter } from "../../src/deadletters/store";
import type { Attempt } from "../../src/delivery/message";
import { captureLogs, deliveryMessage, deps, envelope, NOW, runBatch, spyOnResends, target, testEnv } from "../delivery/helpers";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const earlier: Attempt = { at: "2026-04-30T08:00:00.000Z", status: 500, error: "first life", durationMs: 12 };

/** A dead letter under replay, as the admin API leaves it, and the message it sent. */
async function replaying(routeId = "ledger") {
  const message = deliveryMessage(routeId);
  const record = await deliveryDeadLetter(message, routeId, [earlier], "attempts_exhausted", NOW - 86_400_000);
  await putDeadLetter(env.STATE, { ...record, state: "replaying" }, 14);
  return { record, message: { ...message, replayOf: record.id } };
}

describe("a replay", () => {
  it("removes the dead letter once the route takes it", async () => {
    const { record, message } = await replaying();
    expect(await getDeadLetter(env.STATE, record.id)).toBeDefined();
    const run = await runBatch([message], testEnv(), deps(target().fetch));
    expect(run.acked(0)).toBe(true);
    expect(await getDeadLetter(env.STATE, record.id)).toBeUndefined();
  });

  it("keeps the dead letter while it is being retried", async () => {
    const { record, message } = await replaying();
    const { resent } = spyOnResends();
    await runBatch([message], testEnv(), deps(target(new Response("down", { status: 503 })).fetch));
    expect(resent()[0]!.body.replayOf).toBe(record.id);
    expect((await getDeadLetter(env.STATE, record.id))?.state).toBe("replaying");
  });

  it("that fails for good overwrites the same record, back to dead, with this replay's attempts after the old ones", async () => {
    const { record, message } = await replaying();
    await runBatch([message], testEnv(), deps(target(new Response("still no", { status: 404 })).fetch));
    const after = await getDeadLetter(env.STATE, record.id);
    expect(after).toMatchObject({ id: record.id, state: "dead", reason: "rejected", lastStatus: 404, lastError: "still no" });
    expect(after!.attempts.map((a) => a.error)).toEqual(["first life", "still no"]);
  });

  it("to a route that is gone again leaves one record, not two", async () => {
    const { record, message } = await replaying("ledger");
    const elsewhere = { ...message, routeId: "vanished" };
    await runBatch([elsewhere], testEnv(), deps(target().fetch), "hookgate-deliveries", 4);
    expect(await getDeadLetter(env.STATE, record.id)).toBeUndefined();
    const moved = await getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, "vanished"));
    expect(moved).toMatchObject({ reason: "route_not_found", state: "dead" });
  });
});

describe("the dead-letter queue", () => {
  it("turns every message into a dead letter consumer_failed and acks it, readable or not", async () => {
    const message = deliveryMessage("ledger", { attempts: [earlier] });
    const garbage = "not a delivery message";
    const run = await runBatch([message, garbage], testEnv(), deps(target().fetch), "hookgate-dead-letters");
    expect(run.acked(0)).toBe(true);
    expect(run.acked(1)).toBe(true);

    const kept = await getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, "ledger"));
    expect(kept).toMatchObject({ reason: "consumer_failed", routeId: "ledger", source: "acme", lastStatus: 500 });
    expect(kept!.envelope).toEqual(message.envelope);
    expect(kept!.attempts).toEqual([earlier]);
    const unreadable = await getDeadLetter(env.STATE, await unreadableDeadLetterId(run.ids[1]!));
    expect(unreadable).toMatchObject({ reason: "consumer_failed", lastError: garbage });
  });

  it("retries a message whose dead letter could not be written", async () => {
    const failing = { ...testEnv(), STATE: { get: async () => null, put: async () => Promise.reject(new Error("KV down")) } as unknown as KVNamespace };
    const run = await runBatch([deliveryMessage("ledger")], failing, deps(target().fetch), "hookgate-dead-letters");
    expect(run.acked(0)).toBe(false);
    expect(run.retried(0)).toBe(true);
  });

  it("is told apart from the deliveries by the queue handler", async () => {
    const worker = (await import("../../src/index")).default;
    const { createExecutionContext, createMessageBatch, getQueueResult } = await import("cloudflare:test");
    const message = deliveryMessage("ledger");
    const batch = createMessageBatch("hookgate-dead-letters", [{ id: "dlq-1", timestamp: new Date(), attempts: 1, body: message }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv(), ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dlq-1"]);
    expect(await getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, "ledger"))).toMatchObject({ reason: "consumer_failed" });
  });
});

describe("an unrouted envelope", () => {
  it("gets a record the ingest side can store, under a deterministic id", async () => {
    const { unroutedDeadLetter } = await import("../../src/deadletters/build");
    const e = envelope();
    const record = await unroutedDeadLetter(e, "acme", new Date(NOW));
    expect(record).toEqual({
      id: await unroutedDeadLetterId(e.id),
      kind: "unrouted",
      source: "acme",
      reason: "no_route_matched",
      createdAt: new Date(NOW).toISOString(),
      state: "dead",
      envelope: e,
      attempts: [],
    });
  });
});

describe("a replay and KV's one write a second per key", () => {
  it("sends its message delayed, so the consumer's delete comes after the mark's write", async () => {
    const { replayDeadLetter, REPLAY_DELAY_SECONDS } = await import("../../src/deadletters/replay");
    const { parseConfig } = await import("../../src/config/load");
    const message = deliveryMessage("ledger");
    const record = await deliveryDeadLetter(message, "ledger", [earlier], "attempts_exhausted", NOW);
    await putDeadLetter(env.STATE, record, 14);
    const sent: { delaySeconds?: number }[] = [];
    const queue = { send: async (_body: unknown, options?: QueueSendOptions) => void sent.push(options ?? {}) };
    const bound = { ...testEnv(), DELIVERIES: queue } as never;
    const plain = testEnv() as Record<string, unknown>;
    const loaded = parseConfig(plain.GATEWAY_CONFIG as string, (name) => plain[name] as string | undefined, { localDev: true });
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    await replayDeadLetter(bound, loaded.config, record, new Date(), () => {});
    expect(REPLAY_DELAY_SECONDS).toBeGreaterThanOrEqual(2);
    expect(sent).toEqual([expect.objectContaining({ delaySeconds: REPLAY_DELAY_SECONDS })]);
  });

  it("deletes the record again after a second when KV refused the delete, so a second replay-all finds nothing", async () => {
    const { forgetReplayed, listDeadLetters } = await import("../../src/deadletters/store");
    const { record } = await replaying();
    let refused = 0;
    const kv = new Proxy(env.STATE, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === "delete")
          return async (key: string) => {
            if (key === `dl:${record.id}` && refused === 0) {
              refused += 1;
              throw new Error("KV PUT failed: 429 Too Many Requests");
            }
            return env.STATE.delete(key);
          };
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await forgetReplayed(kv, record.id);
    expect(refused).toBe(1);
    expect(await getDeadLetter(env.STATE, record.id)).toBeUndefined();
    const listed = await listDeadLetters(env.STATE, { q: record.id });
    expect(listed.deadLetters).toEqual([]);
  });
});
