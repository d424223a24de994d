import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { adminClient } from "../admin/client";
import { errorOf } from "../helpers";

const source = { provider: "generic", auth: [{ type: "none" }] };
const route = (more: Record<string, unknown>) => ({ id: "r", events: ["*"], url: "https://x.example", ...more });
const parse = (more: Record<string, unknown>) => parseConfig({ sources: { acme: source }, routes: [route(more)] }, () => undefined);

describe("a route's governance in the config", () => {
  it("turns the breaker on by default and takes rate limit and order as given", () => {
    const plain = parse({});
    expect(plain.ok && plain.config.routes[0]).toMatchObject({ breaker: { failures: 5, probeSeconds: 10, windowSeconds: 60 } });
    expect(plain.ok && plain.config.routes[0]!.ordered).toBeUndefined();
    const governed = parse({ breaker: false, rateLimit: { perSecond: 0.5, concurrency: 2 }, ordered: { key: "data.pix.txid" } });
    expect(governed.ok && governed.config.routes[0]).toMatchObject({
      breaker: false,
      rateLimit: { perSecond: 0.5, concurrency: 2 },
      ordered: { key: "data.pix.txid", onHeadFailure: "block" },
    });
    const byDefault = parse({ ordered: {} });
    expect(byDefault.ok && byDefault.config.routes[0]!.ordered).toEqual({ key: "subject", shards: 8, onHeadFailure: "block" });
    const sharded = parse({ ordered: { shards: 16 } });
    expect(sharded.ok && sharded.config.routes[0]!.ordered?.shards).toBe(16);
  });

  it("refuses values out of range, naming the path", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ rateLimit: { perSecond: 0 } }, "routes[0].rateLimit.perSecond: must be greater than 0"],
      [{ rateLimit: { perSecond: -3 } }, "routes[0].rateLimit.perSecond: must be greater than 0"],
      [{ rateLimit: { perSecond: 5, concurrency: 0 } }, "routes[0].rateLimit.concurrency: must be at least 1"],
      [{ breaker: { failures: 0 } }, "routes[0].breaker.failures: must be at least 1"],
      [{ ordered: { shards: 0 } }, "routes[0].ordered.shards: must be at least 1"],
      [{ breaker: { failures: 3, probeSeconds: 0 } }, "routes[0].breaker.probeSeconds: must be at least 1"],
      [{ ordered: { key: "amount" } }, "routes[0].ordered.key: must be an envelope attribute"],
      [{ ordered: { key: "data." } }, "routes[0].ordered.key: must be an envelope attribute"],
      [{ ordered: { key: "data.a..b" } }, "routes[0].ordered.key: must be an envelope attribute"],
      [{ ordered: { key: "data.a b" } }, "routes[0].ordered.key: must be an envelope attribute"],
      [{ ordered: { key: "subject", onHeadFailure: "skip" } }, "routes[0].ordered.onHeadFailure"],
    ];
    for (const [more, expected] of cases) {
      const loaded = parse(more);
      expect(loaded.ok, JSON.stringify(more)).toBe(false);
      if (!loaded.ok) expect(loaded.problems.join("\n"), JSON.stringify(more)).toContain(expected);
    }
  });
});

describe("a route's governance through the admin API", () => {
  const base = { url: "https://erp.internal.example/hooks", event: "acme.*", auth: { type: "none" } };

  it("takes breaker, rateLimit and ordered, and shows them with the route's state", async () => {
    const { admin } = adminClient();
    const created = await admin("POST", "/admin/routes", { ...base, id: "governed", rateLimit: { perSecond: 5 }, ordered: { key: "data.txid" } });
    expect(created.status).toBe(201);
    const one = await (await admin("GET", "/admin/routes/governed")).json<Record<string, unknown>>();
    expect(one).toMatchObject({
      id: "governed",
      breaker: { failures: 5, probeSeconds: 10, windowSeconds: 60 },
      rateLimit: { perSecond: 5 },
      ordered: { key: "data.txid", onHeadFailure: "block" },
      state: "active",
      parked: 0,
    });
    const changed = await admin("PUT", "/admin/routes/governed", { breaker: false });
    expect(await changed.json()).toMatchObject({ breaker: false, rateLimit: { perSecond: 5 } });
    expect((await admin("POST", "/admin/routes/governed/pause")).status).toBe(204);
    const listed = await (await admin("GET", "/admin/routes")).json<{ routes: Record<string, unknown>[] }>();
    expect(listed.routes.find((r) => r.id === "governed")).toMatchObject({ state: "paused", by: "operator", reason: "paused by the operator" });
    expect(listed.routes.find((r) => r.id === "ledger")).toMatchObject({ state: "active", origin: "config" });
  });

  it("refuses values out of range, naming the field", async () => {
    const { admin } = adminClient();
    const cases: [Record<string, unknown>, string][] = [
      [{ rateLimit: { perSecond: 0 } }, "rateLimit.perSecond: must be greater than 0"],
      [{ breaker: { failures: 0 } }, "breaker.failures: must be at least 1"],
      [{ ordered: { key: "data.x..y" } }, "ordered.key: must be an envelope attribute"],
    ];
    for (const [more, expected] of cases) {
      const response = await admin("POST", "/admin/routes", { ...base, ...more });
      expect(response.status, JSON.stringify(more)).toBe(400);
      expect((await errorOf(response)).message).toContain(expected);
    }
  });
});
