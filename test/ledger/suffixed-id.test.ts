import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventRow } from "../../src/ledger/rows";
import type { EventDetail } from "../../src/ledger/schema";
import { shardStub } from "../../src/ledger/shard";
import { arrivals, bucketUrl, consume } from "../delivery/governed/helpers";
import { recordingQueue, uniqueId } from "../helpers";
import { admin, bindings, eventConfig, notify } from "./helpers";

// Issue 28, finding 6: an id a sender chose that ends like a recurring occurrence's
// (`@20261201T100000Z`) had its outcome sent to the shard of the id without that suffix: the
// event stayed `pending` forever and the unrecorded counter grew.

describe("a sender-chosen id ending in @YYYYMMDDTHHMMSSZ (issue 28, finding 6)", () => {
  it("ends delivered, with its attempt", async () => {
    const bucket = uniqueId("suffixed");
    const recorder = recordingQueue();
    const bound = bindings(eventConfig([{ id: "orders", events: ["acme.*"], url: bucketUrl(bucket) }]), { DELIVERIES: recorder.queue });
    const id = `${uniqueId("order")}@20261201T100000Z`;

    const response = await notify({ id, type: "acme.paid" }, bound);
    expect(response.status).toBe(202);
    await consume(recorder.sent.splice(0), bound, "real");
    expect(await arrivals(bucket)).toHaveLength(1);

    const { status, body } = await admin<EventDetail>(`/admin/events/${encodeURIComponent(`acme:${id}`)}`, bound);
    expect(status).toBe(200);
    expect(body.state).toBe("delivered");
    expect(body.deliveries).toEqual([expect.objectContaining({ routeId: "orders", state: "delivered", attempts: [expect.objectContaining({ status: 200 })] })]);
  });
});

describe("an outcome that comes before its row (issue 28, finding 6)", () => {
  it("is applied to the occurrence it is about, not to whichever occurrence holds the key", async () => {
    const stub = shardStub(env.LEDGER!, { shards: 16 }, 2000 + Math.floor(Math.random() * 1_000_000));
    const key = uniqueId("bmp:p");
    const [older, newer] = [`${key}@20261201T100000Z`, `${key}@20261201T120000Z`];
    const at = Date.parse("2026-12-01T10:30:00Z");
    const row = (id: string, receivedAt: number): EventRow => ({
      key,
      id,
      source: "bmp",
      type: "bmp.pending",
      subject: null,
      time: new Date(receivedAt).toISOString(),
      receivedAt,
      envelope: null,
      requests: [],
      deliveries: { proposals: { state: "pending", attempts: [] } },
    });
    await stub.reserve({ keys: [key], ttlSeconds: 3600, token: "first", now: at });
    await stub.confirm({ token: "first", events: [row(older, at)] });

    // The next occurrence is held (enqueued, not yet confirmed) when both outcomes arrive.
    const later = at + 110 * 60_000;
    expect(await stub.reserve({ keys: [key], ttlSeconds: 3600, token: "second", now: later })).toEqual([{ fresh: true }]);
    const update = (id: string, status: number) => ({ key, id, routeId: "proposals", state: "delivered" as const, attempt: { at: "", status, durationMs: 1 } });
    expect(await stub.report([update(older, 201), update(newer, 202)])).toBe(0);
    await stub.confirm({ token: "second", events: [row(newer, later)] });

    const rows = await stub.find([key], 10);
    const attemptsOf = (id: string) => JSON.parse(rows.find((r) => r.id === id)!.deliveries).proposals;
    expect(attemptsOf(older)).toMatchObject({ state: "delivered", attempts: [{ status: 201 }] });
    expect(attemptsOf(newer)).toMatchObject({ state: "delivered", attempts: [{ status: 202 }] });
  });
});
