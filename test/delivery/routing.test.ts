import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetterId, unreadableDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter } from "../../src/deadletters/store";
import { writeStoredRoutes } from "../../src/routing/store";
import { CONFIG, captureLogs, deliveryMessage, deps, runBatch, target, testEnv } from "./helpers";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

describe("the route, looked up at delivery time", () => {
  it("is a dead letter route_not_found when it no longer exists, so it can be replayed elsewhere", async () => {
    const sink = target();
    const message = deliveryMessage("retired");
    // A route added a moment ago may not be visible here yet: the first misses wait a minute.
    const first = await runBatch([message], testEnv(), deps(sink.fetch));
    expect(first.retryOptions(0)).toEqual({ delaySeconds: 60 });
    expect(await getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, "retired"))).toBeUndefined();

    const run = await runBatch([message], testEnv(), deps(sink.fetch), "hookgate-deliveries", 4);
    expect(run.acked(0)).toBe(true);
    expect(sink.received).toHaveLength(0);
    const record = await getDeadLetter(env.STATE, await deliveryDeadLetterId(message.envelope!.id, "retired"));
    expect(record).toMatchObject({ kind: "delivery", reason: "route_not_found", routeId: "retired", attempts: [] });
    expect(record!.envelope).toEqual(message.envelope);
    expect(record!.lastError).toContain("retired");
  });

  it("may be one added at run time (from KV, with its secret resolved)", async () => {
    const now = new Date().toISOString();
    await writeStoredRoutes(env.STATE, [
      {
        id: "added",
        createdAt: now,
        updatedAt: now,
        route: { events: ["*"], url: "http://127.0.0.1:8787/added", auth: { type: "bearer", token: { secret: "ADDED_TOKEN" } } },
      },
    ]);
    const sink = target();
    const run = await runBatch([deliveryMessage("added")], { ...testEnv(), ADDED_TOKEN: "tok-added" }, deps(sink.fetch));
    expect(run.acked(0)).toBe(true);
    expect(sink.received[0]).toMatchObject({ url: "http://127.0.0.1:8787/added" });
    expect(sink.received[0]!.headers.authorization).toBe("Bearer tok-added");
  });

  it("is retried in a minute, not buried, when an added route's secret is missing", async () => {
    const now = new Date().toISOString();
    await writeStoredRoutes(env.STATE, [
      {
        id: "unset",
        createdAt: now,
        updatedAt: now,
        route: { events: ["*"], url: "http://127.0.0.1:8787/x", auth: { type: "bearer", token: { secret: "NOT_SET" } } },
      },
    ]);
    const sink = target();
    const run = await runBatch([deliveryMessage("unset")], testEnv(), deps(sink.fetch));
    expect(run.retryOptions(0)).toEqual({ delaySeconds: 60 });
    expect(sink.received).toHaveLength(0);
  });
});

describe("a broken config", () => {
  it("retries every message in a minute and delivers nothing", async () => {
    const sink = target();
    const broken = { ...CONFIG, routes: [{ ...CONFIG.routes[0], url: "ftp://nope" }] };
    const run = await runBatch([deliveryMessage("ledger"), deliveryMessage("audit")], testEnv(broken), deps(sink.fetch));
    expect(run.acked(0) || run.acked(1)).toBe(false);
    expect(run.retryOptions(0)).toEqual({ delaySeconds: 60 });
    expect(run.retryOptions(1)).toEqual({ delaySeconds: 60 });
    expect(sink.received).toHaveLength(0);
  });
});

describe("an unreadable message", () => {
  it("is kept as a dead letter with its raw body, never acked and dropped", async () => {
    const body = { v: 2, routeId: "ledger", source: "acme", what: "is this" };
    const run = await runBatch([body], testEnv(), deps(target().fetch));
    expect(run.acked(0)).toBe(true);
    const record = await getDeadLetter(env.STATE, await unreadableDeadLetterId(run.ids[0]!));
    expect(record).toMatchObject({ kind: "delivery", reason: "unreadable_message", source: "acme", routeId: "ledger" });
    expect(JSON.parse(record!.lastError!)).toEqual(body);
  });
});
