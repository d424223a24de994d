import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { governorOf } from "../../../src/delivery/governor/client";
import type { Settings } from "../../../src/delivery/governor/state";
import { uniqueId } from "../../helpers";

const NOW = Date.parse("2026-05-01T12:00:00Z");
const BREAKER: Settings = { breaker: { failures: 10, probeSeconds: 30, windowSeconds: 60 } };
const governor = () => governorOf(env.ROUTE_GOVERNOR, uniqueId("route"));
const success = (id: string, sequence?: { key: string; n: number }) => ({
  id,
  ...(sequence && { sequence }),
  probe: false,
  outcome: "success" as const,
  fate: "finished" as const,
});

// The SQLite rows each call writes, as the object's storage reports them (docs/deploy.md prices them): fails if one costs more.
describe("what the governor writes", () => {
  it("a healthy route with the default breaker: nothing, and no report is needed", async () => {
    const stub = governor();
    const asks = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}` }));
    expect((await stub.decide(BREAKER, asks, NOW)).rowsWritten).toBe(0);
    expect((await stub.decide(BREAKER, asks, NOW + 1000)).rowsWritten).toBe(0);
  });

  it("a rate-limited route: one row a batch, the next slot", async () => {
    const stub = governor();
    const asks = Array.from({ length: 10 }, (_, i) => ({ id: `m${i}` }));
    expect((await stub.decide({ ...BREAKER, rateLimit: { perSecond: 100 } }, asks, NOW)).rowsWritten).toBe(1);
  });

  it("an ordered route: one row per key at acceptance, none when a batch decides on time, one when it reports", async () => {
    const stub = governor();
    const ordered: Settings = { ...BREAKER, ordered: { key: "subject", shards: 8, onHeadFailure: "block" } };
    const assigned = await stub.assign(["k1", "k2", "k1"], NOW);
    expect(assigned.numbers).toEqual([1, 1, 2]);
    expect(assigned.rowsWritten).toBe(2);
    const asks = [
      { id: "a", sequence: { key: "k1", n: 1 } },
      { id: "b", sequence: { key: "k2", n: 1 } },
      { id: "c", sequence: { key: "k1", n: 2 } },
    ];
    const decided = await stub.decide(ordered, asks, NOW);
    expect(decided.verdicts.map((v) => v.kind)).toEqual(["attempt", "attempt", "attempt"]);
    expect(decided.rowsWritten).toBe(0);
    const reported = await stub.report(ordered, [success("a", asks[0]!.sequence), success("b", asks[1]!.sequence), success("c", asks[2]!.sequence)], NOW);
    // One row per key that moved on, and the route's row (the breaker keeps when the last success was).
    expect(reported.rowsWritten).toBe(3);
  });

  it("an ordered route's key governor: a key numbered again the same day rewrites its row, the next day moves it to that day's table (two rows), once", async () => {
    const stub = governor();
    expect((await stub.assign(["k1", "k2"], NOW)).rowsWritten).toBe(2);
    expect((await stub.assign(["k1"], NOW + 60_000)).rowsWritten).toBe(1);
    const nextDay = NOW + 86_400_000;
    expect((await stub.assign(["k1"], nextDay)).rowsWritten).toBe(2);
    expect((await stub.assign(["k1"], nextDay + 60_000)).rowsWritten).toBe(1);
  });
});
