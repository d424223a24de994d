import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { flushMetricsBeforeStop } from "../../scripts/lib/flush-on-stop";
import { count, TOTALS_MINUTE } from "../../src/observability/metrics";
import { ADMIN_CONFIG, ADMIN_TOKEN } from "../admin/client";
import { callWorker, uniqueId } from "../helpers";

// `npm start` stopped (Ctrl-C) within 10 s of a delivery: the count the isolate held is written
// to D1 before wrangler stops, instead of being lost with the isolate (issue 33, item 4).

async function delivered(route: string): Promise<number | undefined> {
  const row = await env
    .EVENTS!.prepare("SELECT count FROM metrics WHERE minute = ? AND scope = 'delivery' AND name = ? AND key = 'delivered'")
    .bind(TOTALS_MINUTE, route)
    .first<{ count: number }>();
  return row?.count;
}

const gateway = (token: string | undefined) => (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) =>
  callWorker(new Request(url, init), { GATEWAY_CONFIG: JSON.stringify(ADMIN_CONFIG), LEDGER_TOKEN: "ledger-secret", ADMIN_TOKEN: token });

describe("npm start's stop", () => {
  it("writes the delivery counted just before it to D1, where the next run reads it", async () => {
    const route = `r-${uniqueId()}`;
    count("delivery", route, "delivered", Date.now());
    expect(await delivered(route)).toBeUndefined();
    const said = await flushMetricsBeforeStop({ base: "http://127.0.0.1:8787", adminToken: ADMIN_TOKEN, fetch: gateway(ADMIN_TOKEN) });
    expect(said).toBe("metrics written to local D1 before stopping");
    expect(await delivered(route)).toBe(1);
  });

  it("says the last seconds' counts may be lost when the gateway does not answer the flush", async () => {
    const refused = await flushMetricsBeforeStop({ base: "http://127.0.0.1:8787", adminToken: ADMIN_TOKEN, fetch: gateway(undefined) });
    expect(refused).toBe("metrics of the last 10 s may be lost: GET /admin/metrics answered 404");
    const down = await flushMetricsBeforeStop({
      base: "http://127.0.0.1:8787",
      adminToken: ADMIN_TOKEN,
      fetch: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:8787")),
    });
    expect(down).toContain("GET /admin/metrics failed (connect ECONNREFUSED");
  });
});
