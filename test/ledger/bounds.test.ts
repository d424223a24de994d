import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_TIMELINE_REQUESTS } from "../../src/ledger/object";
import type { EventRow } from "../../src/ledger/rows";
import { shardStub } from "../../src/ledger/shard";
import { uniqueId } from "../helpers";

// What a sender cannot make a shard keep or read without bound (second look at the ledger).

const LEDGER = { shards: 16 };
const scratch = () => shardStub(env.LEDGER!, LEDGER, 1000 + Math.floor(Math.random() * 1_000_000));

function row(key: string, id = key, receivedAt = Date.now()): EventRow {
  return {
    key,
    id,
    source: "acme",
    type: "acme.paid",
    subject: null,
    time: new Date(receivedAt).toISOString(),
    receivedAt,
    envelope: JSON.stringify({ id, padding: "x".repeat(2_000) }),
    requests: [{ requestId: "r-first", at: new Date(receivedAt).toISOString(), outcome: "accepted" }],
    deliveries: { ledger: { state: "pending", attempts: [] } },
  };
}

async function accepted(stub: ReturnType<typeof scratch>, rows: EventRow[]) {
  const token = uniqueId("t");
  const verdicts = await stub.reserve({ keys: rows.map((r) => r.key), ttlSeconds: 3600, token });
  expect(verdicts.every((v) => "fresh" in v)).toBe(true);
  await stub.confirm({ token, events: rows });
}

describe("a shard's bounds against a sender", () => {
  it("keeps at most MAX_TIMELINE_REQUESTS lines of a replayed request, and still answers it duplicate", async () => {
    const stub = scratch();
    const key = uniqueId("acme:replayed");
    await accepted(stub, [row(key)]);
    for (let i = 0; i < MAX_TIMELINE_REQUESTS + 20; i++) {
      const [verdict] = await stub.reserve({
        keys: [key],
        ttlSeconds: 3600,
        token: uniqueId("t"),
        line: { requestId: `r-${i}`, at: new Date().toISOString() },
      });
      expect(verdict).toEqual({ seen: key });
    }
    const [found] = await stub.find([key], 1);
    expect(JSON.parse(found!.requests)).toHaveLength(MAX_TIMELINE_REQUESTS);
  });

  it("reads for an id only the keys of its @window occurrences, newest first and at most the limit, never ids a sender chose as `id@anything`", async () => {
    const stub = scratch();
    const base = uniqueId("acme:rec");
    const occurrences = ["20261201T000000Z", "20261201T010000Z", "20261201T020000Z"].map((w) => row(`${base}@${w}`, `${base}@${w}`));
    const chosen = Array.from({ length: 30 }, (_, i) => row(`${base}@x${i}`, `${base}@x${i}`));
    await accepted(stub, [...occurrences, ...chosen]);
    const found = await stub.find([base], 2);
    expect(found.map((r) => r.id)).toEqual([`${base}@20261201T020000Z`, `${base}@20261201T010000Z`]);
    const all = await stub.find([base], 50);
    expect(all.map((r) => r.id).sort()).toEqual(occurrences.map((r) => r.id).sort());
  });
});
