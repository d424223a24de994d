import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_REPLAYS_PER_BATCH, REPLAY_CHUNK } from "../../src/deadletters/bulk";
import type { DeadLetter } from "../../src/deadletters/record";
import { deliveryDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter, putDeadLetter } from "../../src/deadletters/store";
import type { DeliveryMessage } from "../../src/delivery/message";
import { deps, envelope, runBatch } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { admin, bindings, eventConfig, route } from "./helpers";

/** The platform's per-invocation limit on KV operations and subrequests (paid plan). */
const INVOCATION_LIMIT = 1_000;

/** Wraps STATE and DELIVERIES so every operation of one invocation is counted; the real bindings do the work. */
function counted() {
  const counts = { kv: 0, queue: 0, sent: [] as unknown[] };
  const state = new Proxy(env.STATE, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        counts.kv += 1;
        return value.apply(target, args);
      };
    },
  });
  const queue = {
    async send(body: unknown, options?: QueueSendOptions) {
      counts.queue += 1;
      counts.sent.push(body);
      await env.DELIVERIES.send(body as DeliveryMessage, options);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) {
      counts.queue += 1;
      const list = [...messages];
      counts.sent.push(...list.map((m) => m.body));
      await env.DELIVERIES.sendBatch(list as MessageSendRequest<DeliveryMessage>[], options);
    },
  };
  return { counts, state, queue };
}

async function deadLetter(routeId: string, source: string): Promise<DeadLetter> {
  const e = envelope({ id: `${source}:${uniqueId("dl")}` });
  const record: DeadLetter = {
    id: await deliveryDeadLetterId(e.id, routeId),
    kind: "delivery",
    source,
    routeId,
    reason: "attempts_exhausted",
    createdAt: new Date().toISOString(),
    state: "dead",
    envelope: e,
    attempts: [{ at: new Date().toISOString(), status: 503, durationMs: 3 }],
    lastStatus: 503,
  };
  await putDeadLetter(env.STATE, record, 3);
  return record;
}

describe("bulk replay", () => {
  it("replays 250 matching dead letters once each, no invocation passing the platform's limits", async () => {
    const ledger = `ledger-${uniqueId("b").slice(-8)}`;
    const config = eventConfig([route(ledger, ["*"]), route("erp", ["*"])]);
    const records = await Promise.all(Array.from({ length: 250 }, () => deadLetter(ledger, "acme")));
    const others = await Promise.all(Array.from({ length: 5 }, () => deadLetter("erp", "acme")));

    const start = counted();
    const answer = await admin<{ replaying: number }>("/admin/dead-letters/replay", bindings(config, { STATE: start.state, DELIVERIES: start.queue }), {
      method: "POST",
      body: JSON.stringify({ route: ledger, kind: "delivery" }),
    });
    expect(answer).toEqual({ status: 202, body: { replaying: 250 } });
    expect(start.counts.kv + start.counts.queue).toBeLessThanOrEqual(INVOCATION_LIMIT);
    const chunks = start.counts.sent as { kind: string; deadLetterIds: string[] }[];
    expect(chunks).toHaveLength(Math.ceil(250 / REPLAY_CHUNK));
    expect(new Set(chunks.flatMap((c) => c.deadLetterIds))).toEqual(new Set(records.map((r) => r.id)));

    // The consumer takes the chunks as Queues would: batches of 25 (wrangler.toml's max_batch_size),
    // one invocation each. 17 chunks fit one batch, but 17 × 15 records would pass the limit: the
    // batch replays MAX_REPLAYS_PER_BATCH and sends the rest again, which the next batch takes.
    const deliveries: DeliveryMessage[] = [];
    let pending: unknown[] = [...chunks];
    let invocations = 0;
    while (pending.length > 0 && invocations < 10) {
      invocations += 1;
      const batch = counted();
      const run = await runBatch(pending.slice(0, 25), bindings(config, { STATE: batch.state, DELIVERIES: batch.queue }), deps(fetch));
      expect(run.ids.every((_, n) => run.acked(n))).toBe(true);
      expect(batch.counts.kv + batch.counts.queue).toBeLessThanOrEqual(INVOCATION_LIMIT);
      const again = batch.counts.sent.filter((m) => (m as { kind?: string }).kind !== undefined && !("envelope" in (m as object)));
      expect(pending.slice(0, 25).length - again.length).toBeLessThanOrEqual(MAX_REPLAYS_PER_BATCH);
      deliveries.push(...(batch.counts.sent.filter((m) => !again.includes(m)) as DeliveryMessage[]));
      pending = [...again, ...pending.slice(25)];
    }
    expect(invocations).toBe(2);
    expect(deliveries).toHaveLength(250);
    expect(new Set(deliveries.map((d) => d.replayOf))).toEqual(new Set(records.map((r) => r.id)));
    expect(deliveries.every((d) => d.routeId === ledger)).toBe(true);
    expect((await getDeadLetter(env.STATE, records[0]!.id))?.state).toBe("replaying");
    expect((await getDeadLetter(env.STATE, others[0]!.id))?.state).toBe("dead");

    // Queues may hand a chunk over twice: nothing is replayed again.
    const again = counted();
    await runBatch(chunks.slice(0, 2), bindings(config, { STATE: again.state, DELIVERIES: again.queue }), deps(fetch));
    expect(again.counts.sent).toEqual([]);
  }, 60_000);

  it("filters by source, reason and time, and refuses an unknown field", async () => {
    const route1 = `r-${uniqueId("f").slice(-10)}`;
    const config = eventConfig([route(route1, ["*"])]);
    await deadLetter(route1, "acme");
    const { queue, counts } = counted();
    const bound = bindings(config, { DELIVERIES: queue });
    const none = await admin("/admin/dead-letters/replay", bound, { method: "POST", body: JSON.stringify({ route: route1, reason: "rejected" }) });
    expect(none).toEqual({ status: 202, body: { replaying: 0 } });
    const future = new Date(Date.now() + 60_000).toISOString();
    const later = await admin("/admin/dead-letters/replay", bound, { method: "POST", body: JSON.stringify({ route: route1, since: future }) });
    expect(later.body).toEqual({ replaying: 0 });
    expect(counts.sent).toEqual([]);
    const typo = await admin<{ error: { message: string } }>("/admin/dead-letters/replay", bound, { method: "POST", body: JSON.stringify({ rout: route1 }) });
    expect(typo.status).toBe(400);
    expect(typo.body.error.message).toContain("rout");
  });
});

describe("the dead-letter listing", () => {
  it("carries what an operator searches by, and finds by envelope id or subject with q", async () => {
    const route1 = `r-${uniqueId("q").slice(-10)}`;
    const record = await deadLetter(route1, "acme");
    const bound = bindings(eventConfig([route(route1, ["*"])]));
    const byId = await admin<{ deadLetters: unknown[] }>(`/admin/dead-letters?q=${encodeURIComponent(record.envelope!.id)}`, bound);
    expect(byId.body.deadLetters).toEqual([
      {
        id: record.id,
        kind: "delivery",
        source: "acme",
        routeId: route1,
        reason: "attempts_exhausted",
        createdAt: record.createdAt,
        envelopeId: record.envelope!.id,
        type: "acme.paid",
        subject: "order 42",
        lastStatus: 503,
        attempts: 1,
      },
    ]);
    const bySubject = await admin<{ deadLetters: { id: string }[] }>(`/admin/dead-letters?q=order%2042&route=${route1}`, bound);
    expect(bySubject.body.deadLetters.map((d) => d.id)).toEqual([record.id]);
  });
});

describe("a bulk replay of quarantined requests", () => {
  it("sends each alone, and a consumer batch reads at most one again; the others come back as new messages", async () => {
    const strictConfig = eventConfig([route("ledger", ["*"])]);
    const bound = bindings(strictConfig);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await callWorker(
        new Request("http://localhost/hooks/strict", { method: "POST", body: JSON.stringify({ type: "acme.paid", n: uniqueId("q") }) }),
        bound,
      );
      ids.push(((await response.json()) as { id: string }).id);
    }
    const start = counted();
    const answer = await admin<{ replaying: number }>("/admin/dead-letters/replay", bindings(strictConfig, { DELIVERIES: start.queue }), {
      method: "POST",
      body: JSON.stringify({ source: "strict", kind: "quarantine" }),
    });
    expect(answer.body.replaying).toBe(2);
    const chunks = start.counts.sent as { deadLetterIds: string[]; heavy?: boolean }[];
    expect(chunks.map((c) => c.deadLetterIds.length)).toEqual([1, 1]);
    expect(chunks.every((c) => c.heavy === true)).toBe(true);

    const batch = counted();
    const run = await runBatch(chunks, bindings(strictConfig, { DELIVERIES: batch.queue }), deps(fetch));
    expect(run.acked(0) && run.acked(1)).toBe(true);
    // The second came back as a new message, untouched: its record is still there.
    expect(batch.counts.sent).toContainEqual(chunks[1]);
    expect(await getDeadLetter(env.STATE, chunks[1]!.deadLetterIds[0]!)).toBeDefined();
  });
});
