import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getDeadLetter } from "../../src/deadletters/store";
import { MAX_OPERATIONS_PER_REQUEST, operationsOverBudget, RESERVED_OPERATIONS } from "../../src/ingest/plan";
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
  it("is quarantined whole before anything is sent: 9,000 Pix to 10 routes would take over 900 sendBatch calls", async () => {
    const counter = countingBindings();
    const request = new Request("https://gw.example/hooks/wide/pix", { method: "POST", body: JSON.stringify({ pix: items(9000) }) });
    const response = await callWorker(request, { GATEWAY_CONFIG: JSON.stringify(config), ...counter.bindings });
    const answer = await response.json<{ status: string; id: string }>();
    expect(answer.status).toBe("quarantined");
    expect(counter.count("DELIVERIES")).toBe(0);
    const record = await getDeadLetter(env.STATE, answer.id);
    expect(record?.reason).toBe("too_many_notifications");
    expect(record?.lastError).toMatch(/^the request would make \d+ binding operations, more than the \d+ one invocation may make/);
    // 90 bulk dedup reads, the route read and the quarantine: within what the budget keeps aside.
    expect(counter.calls.length).toBeLessThanOrEqual(RESERVED_OPERATIONS);
  }, 60_000);

  it("counts every sendBatch and write against what is left of the 1,000 operations", () => {
    expect(operationsOverBudget({ sends: 10, writes: 2 })).toBeUndefined();
    const over = operationsOverBudget({ sends: MAX_OPERATIONS_PER_REQUEST, writes: 0 });
    expect(over).toMatch(/more than the \d+ one invocation may make/);
  });
});
