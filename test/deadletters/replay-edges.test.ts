import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliveryDeadLetter, unroutedDeadLetter } from "../../src/deadletters/build";
import type { DeadLetter } from "../../src/deadletters/record";
import { getDeadLetter, putDeadLetter } from "../../src/deadletters/store";
import { deliveryMessage, envelope } from "../delivery/helpers";
import { callWorker, errorOf, recordingQueue } from "../helpers";

const ADMIN_TOKEN = "replay-edges-admin-token-8c3f1a7d";
const config = {
  sources: { acme: { provider: "generic", auth: [{ type: "none" }] } },
  routes: [
    { id: "ledger", events: ["acme.*"], url: "https://ledger.internal.example/hooks" },
    { id: "audit", events: ["acme.*"], url: "https://audit.internal.example/hooks" },
  ],
};

/** STATE as it is, with the time of every write (put or delete) to each key. */
function timedState() {
  const writes = new Map<string, number[]>();
  const note = (key: string) => writes.set(key, [...(writes.get(key) ?? []), Date.now()]);
  const kv = {
    get: env.STATE.get.bind(env.STATE),
    list: env.STATE.list.bind(env.STATE),
    getWithMetadata: env.STATE.getWithMetadata.bind(env.STATE),
    put: (key: string, ...rest: unknown[]) => {
      note(key);
      return (env.STATE.put as (...a: unknown[]) => Promise<void>)(key, ...rest);
    },
    delete: (key: string) => {
      note(key);
      return env.STATE.delete(key);
    },
  };
  return { kv, writes };
}

function gateway(bound: Record<string, unknown> = {}) {
  const recorder = recordingQueue();
  const replay = (id: string, body?: unknown) =>
    callWorker(
      new Request(`https://gw.example/admin/dead-letters/${id}/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      { GATEWAY_CONFIG: JSON.stringify(config), ADMIN_TOKEN, DELIVERIES: recorder.queue, ...bound },
    );
  return { replay, sent: recorder.sent };
}

async function deadDelivery(routeId = "ledger", extra: Partial<DeadLetter> = {}) {
  const record = { ...(await deliveryDeadLetter(deliveryMessage(routeId), routeId, [], "attempts_exhausted", Date.now())), ...extra };
  await putDeadLetter(env.STATE, record, 14);
  return record;
}

describe("a replay whose send fails", () => {
  it("never writes its record twice within KV's one second per key, and leaves it replayable", async () => {
    const record = await deadDelivery();
    const { kv, writes } = timedState();
    const failing = recordingQueue({ fail: true });
    const response = await gateway({ STATE: kv, DELIVERIES: failing.queue }).replay(record.id);
    expect(response.status).toBe(503);
    const times = writes.get(`dl:${record.id}`) ?? [];
    expect(times.length).toBe(2); // the mark, and taking it back
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect((await getDeadLetter(env.STATE, record.id))?.state).toBe("dead");
  });

  it("can be replayed again ten minutes on even if the mark could not be taken back", async () => {
    const record = await deadDelivery("ledger", { state: "replaying", replayedAt: new Date(Date.now() - 11 * 60_000).toISOString() });
    const { replay, sent } = gateway();
    expect((await replay(record.id)).status).toBe(202);
    expect(sent.map((m) => [m.routeId, m.replayOf])).toEqual([["ledger", record.id]]);
  });
});

describe("an unrouted replay", () => {
  it("run twice delivers once: the second is refused while the first is under way", async () => {
    const record = await unroutedDeadLetter(envelope(), "acme", Date.now());
    await putDeadLetter(env.STATE, record, 14);
    const { replay, sent } = gateway();
    expect((await replay(record.id)).status).toBe(202);
    const again = await replay(record.id);
    expect(again.status).toBe(409);
    expect(sent.map((m) => [m.routeId, m.replayOf])).toEqual([
      ["ledger", record.id],
      ["audit", record.id],
    ]);
    // The consumer removes it once delivered; until then it says a replay is under way.
    expect((await getDeadLetter(env.STATE, record.id))?.state).toBe("replaying");
  });
});

describe("a replay naming a route", () => {
  it("delivers a dead letter whose route is gone to the route it names", async () => {
    const record = await deadDelivery("deleted-route");
    const { replay, sent } = gateway();
    expect((await replay(record.id)).status).toBe(409);
    const response = await replay(record.id, { route: "audit" });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ routes: ["audit"] });
    expect(sent.map((m) => [m.routeId, m.replayOf])).toEqual([["audit", record.id]]);
  });

  it("sends an unrouted envelope to that route alone, whether or not its events match", async () => {
    const record = await unroutedDeadLetter(envelope({ type: "other.thing" }), "acme", Date.now());
    await putDeadLetter(env.STATE, record, 14);
    const { replay, sent } = gateway();
    expect((await replay(record.id, { route: "audit" })).status).toBe(202);
    expect(sent.map((m) => m.routeId)).toEqual(["audit"]);
  });

  it("refuses a route that does not exist, or a body that is not the replay's", async () => {
    const record = await deadDelivery();
    const { replay, sent } = gateway();
    const unknown = await replay(record.id, { route: "nowhere" });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).message).toBe("route: no route nowhere");
    expect((await replay(record.id, { route: "Not A Slug" })).status).toBe(400);
    expect((await replay(record.id, { routes: ["audit"] })).status).toBe(400);
    expect(sent).toEqual([]);
  });
});
