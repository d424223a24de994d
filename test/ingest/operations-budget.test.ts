import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Ledger } from "../../src/config/ledger";
import { getDeadLetter } from "../../src/deadletters/store";
import { MAX_OPERATIONS_PER_REQUEST, operationsOverBudget, reservedOperations } from "../../src/ingest/plan";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { countingBindings } from "./operations";

// Issue 19, finding 6: notifications × matching routes are budgeted against the invocation's
// 1,000 subrequests before anything is sent; a request that cannot fit is quarantined whole
// instead of failing part-way with early batches queued.

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const routes = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, events: ["pix.*"], url: `http://127.0.0.1:8787/r${i}` }));
const config = {
  sources: { wide: { provider: "pix", maxNotificationsPerRequest: 10_000, auth: [{ type: "none" }] } },
  routes,
};

function items(n: number) {
  const prefix = uniqueId("E").replace(/-/g, "");
  return Array.from({ length: n }, (_, i) => ({ endToEndId: `${prefix}${String(i).padStart(5, "0")}`, valor: "1.00" }));
}

describe("a request whose sends cannot fit in one invocation", () => {
  it("is quarantined whole before anything is sent: 10,000 Pix to 10 routes would take 1,000 sendBatch calls", async () => {
    const counter = countingBindings();
    const request = new Request("https://gw.example/hooks/wide/pix", { method: "POST", body: JSON.stringify({ pix: items(10_000) }) });
    const response = await callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...counter.bindings });
    const answer = await response.json<{ status: string; id: string }>();
    expect(answer.status).toBe("quarantined");
    expect(counter.count("DELIVERIES")).toBe(0);
    const record = await getDeadLetter(env.STATE, answer.id);
    expect(record?.reason).toBe("too_many_notifications");
    expect(record?.lastError).toMatch(/^the request would make \d+ binding operations, more than the \d+ one invocation may make/);
    // The ledger's reserve calls (one a shard), the route read and the quarantine: within what the budget keeps aside.
    expect(counter.calls.length).toBeLessThanOrEqual(reservedOperations(10_000, Ledger.parse({}), Date.now()));
  }, 60_000);

  it("counts every sendBatch and write against what is left of the 1,000 operations", () => {
    const reserved = reservedOperations(1000, Ledger.parse({}), Date.now());
    expect(operationsOverBudget({ sends: 10, writes: 2, reserved })).toBeUndefined();
    const over = operationsOverBudget({ sends: MAX_OPERATIONS_PER_REQUEST, writes: 0, reserved });
    expect(over).toMatch(/more than the \d+ one invocation may make/);
  });

  it("keeps aside the ledger's calls by the shards a request can touch, old shards and old KV marks included while consulted", () => {
    const now = Date.parse("2026-12-03T00:00:00Z");
    const later = "2026-12-10T00:00:00Z";
    // 16 shards: reserve and confirm in each, at most.
    expect(reservedOperations(1000, Ledger.parse({}), now)).toBe(50 + 32);
    // One notification touches one shard.
    expect(reservedOperations(1, Ledger.parse({}), now)).toBe(50 + 2);
    // 256 shards while 64 old ones are consulted, and the KV marks of before the ledger: 10 reads for 1,000 keys.
    const upgrading = Ledger.parse({ shards: 256, previousShards: 64, previousShardsUntil: later, kvMarksUntil: later });
    expect(reservedOperations(1000, upgrading, now)).toBe(50 + 512 + 64 + 10);
    // After the dates, neither is counted.
    expect(reservedOperations(1000, upgrading, Date.parse("2026-12-11T00:00:00Z"))).toBe(50 + 512);
  });
});
