import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { governorOf } from "../../../src/delivery/governor/client";
import { KEY_DAYS_KEPT } from "../../../src/delivery/governor/key-days";
import { keyShardOf } from "../../../src/delivery/governor/shards";
import { uniqueId } from "../../helpers";
import { admin, notify } from "../../ledger/helpers";
import { adminPost, arrivals, consume, control, governedBindings, recorderRoute, seeded, shuffled, timedQueue } from "./helpers";

const DAY_MS = 86_400_000;
const SHARDS = 8;

/** The keys a governor holds and the tables they are in. */
async function keysIn(routeId: string, shard?: number): Promise<{ key: string; last: number; part: string }[]> {
  return runInDurableObject(governorOf(env.ROUTE_GOVERNOR, routeId, shard), async (_: unknown, state) =>
    state.storage.sql.exec<{ key: string; last: number; part: string }>("SELECT key, last, part FROM key_state ORDER BY key").toArray(),
  );
}

describe("an ordered route's keys over several key governors", () => {
  it("numbers 40 keys in the key governor each key hashes to, never in the route's, and delivers each key in order to the recorder", async () => {
    let clock = Date.now();
    const { queue, due, nextDue } = timedQueue(() => clock);
    const bucket = uniqueId("sharded");
    const routeId = uniqueId("sharded");
    await control(bucket, { failFirst: 0.2, seed: 20261207 });
    // The default shard count: a user's ordered route as configured with `ordered.key` alone.
    const bound = governedBindings([recorderRoute(routeId, bucket, { ordered: { key: "data.boleto" } })], queue);
    const boletos = Array.from({ length: 40 }, (_, k) => `${uniqueId("boleto")}-${k}`);
    for (let status = 1; status <= 3; status++) {
      for (const boleto of boletos) expect((await notify({ id: `${boleto}-s${status}`, type: "acme.boleto.status", boleto, status }, bound)).status).toBe(202);
    }

    const held = await Promise.all(Array.from({ length: SHARDS }, (_, shard) => keysIn(routeId, shard)));
    const used = held.flatMap((keys, shard) => (keys.length > 0 ? [shard] : []));
    expect(used.length).toBeGreaterThanOrEqual(5);
    for (const boleto of boletos) {
      const where = held.flatMap((keys, shard) => (keys.some((k) => k.key === boleto) ? [shard] : []));
      expect(where).toEqual([keyShardOf(boleto, SHARDS)]);
      expect(held[where[0]!]!.find((k) => k.key === boleto)?.last).toBe(3);
    }
    // Distinct objects: the key governors are Durable Objects of their own, apart from the route's.
    const ids = new Set([governorOf(env.ROUTE_GOVERNOR, routeId), ...used.map((s) => governorOf(env.ROUTE_GOVERNOR, routeId, s))].map((g) => g.id.toString()));
    expect(ids.size).toBe(used.length + 1);
    expect(await keysIn(routeId)).toEqual([]);

    const random = seeded(11);
    for (let rounds = 0; Number.isFinite(nextDue()) && rounds < 300; rounds++) {
      clock = Math.max(clock, nextDue());
      await consume(shuffled(due(clock), random), bound, clock, 4);
    }
    expect(Number.isFinite(nextDue())).toBe(false);
    const received = await arrivals(bucket);
    expect(received.some((a) => a.status === 503)).toBe(true);
    const delivered = received.filter((a) => a.status === 200);
    expect(delivered).toHaveLength(120);
    for (const boleto of boletos) {
      const mine = delivered.filter((a) => JSON.parse(a.body).data.boleto === boleto);
      expect(mine.map((a) => JSON.parse(a.body).data.status)).toEqual([1, 2, 3]);
      const attempts = received.filter((a) => JSON.parse(a.body).data.boleto === boleto).map((a) => JSON.parse(a.body).data.status);
      expect(attempts).toEqual([...attempts].sort((x, y) => x - y));
    }
  }, 120_000);

  it("keeps pause route-wide: a paused ordered route parks every key's messages and counts those parked in its key governors", async () => {
    const clock = Date.now();
    const { queue, due } = timedQueue(() => clock);
    const bucket = uniqueId("sharded-paused");
    const routeId = uniqueId("sharded-paused");
    const bound = governedBindings([recorderRoute(routeId, bucket, { ordered: { key: "data.boleto" } })], queue);
    expect(await adminPost(`/admin/routes/${routeId}/pause`, bound)).toBe(204);
    const boletos = Array.from({ length: 12 }, (_, k) => `${uniqueId("boleto")}-${k}`);
    for (let status = 1; status <= 2; status++) {
      for (const boleto of boletos) expect((await notify({ id: `${boleto}-s${status}`, type: "acme.boleto.status", boleto, status }, bound)).status).toBe(202);
    }
    // The second statuses first: each waits behind its key's head, in its key governor.
    const bodies = due(clock);
    await consume([...bodies.filter((b) => b.sequence?.n === 2), ...bodies.filter((b) => b.sequence?.n === 1)], bound, clock);
    expect(await arrivals(bucket)).toEqual([]);
    const state = (await admin<{ state: string; parked: number }>(`/admin/routes/${routeId}`, bound)).body;
    expect(state).toMatchObject({ state: "paused", parked: 24 });
  });
});

describe("an ordered route's keys expire by the day", () => {
  it("drops the table of a day past 30 whole at the daily alarm, forgetting its keys, and keeps the days since", async () => {
    const routeId = uniqueId("expiring");
    const stub = governorOf(env.ROUTE_GOVERNOR, routeId, 0);
    const now = Date.now();
    const old = now - (KEY_DAYS_KEPT + 10) * DAY_MS;
    const recent = now - (KEY_DAYS_KEPT - 1) * DAY_MS;
    expect((await stub.assign(["old-a", "old-b", "old-a"], old)).numbers).toEqual([1, 1, 2]);
    expect((await stub.assign(["recent"], recent)).numbers).toEqual([1]);
    expect((await stub.assign(["today", "old-b"], now)).numbers).toEqual([1, 2]);
    const day = (t: number) => `keys_${Math.floor(t / DAY_MS)}`;
    // old-b moved to today's table when it was numbered today; old-a stayed in its day's.
    expect(await keysIn(routeId, 0)).toEqual([
      { key: "old-a", last: 2, part: day(old) },
      { key: "old-b", last: 2, part: day(now) },
      { key: "recent", last: 1, part: day(recent) },
      { key: "today", last: 1, part: day(now) },
    ]);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const tables = await runInDurableObject(stub, async (_: unknown, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'keys_*' ORDER BY name")
        .toArray()
        .map((t) => t.name),
    );
    expect(tables).toEqual([day(recent), day(now)].sort());
    expect((await keysIn(routeId, 0)).map((k) => k.key)).toEqual(["old-b", "recent", "today"]);
    // Forgotten with its day: old-a's numbers start again at 1.
    expect((await stub.assign(["old-a", "today"], now)).numbers).toEqual([1, 2]);
  });
});
