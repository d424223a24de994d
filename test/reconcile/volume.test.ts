import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { flushMetrics } from "../../src/observability/metrics";
import { pagesPerInvocation } from "../../src/reconcile";
import { MINUTE, pixWorld, pspFor, receivedPix, T0 } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** The counter `hookgate_reconcile_total{source, outcome}` reads, since the beginning. */
async function reconcileTotal(source: string, outcome: string): Promise<number> {
  await flushMetrics(env.EVENTS!, new Date());
  const row = await env
    .EVENTS!.prepare("SELECT count FROM metrics WHERE minute = 0 AND scope = 'reconcile' AND name = ?1 AND key = ?2")
    .bind(source, outcome)
    .first<{ count: number }>();
  return row?.count ?? 0;
}

describe("Pix reconciliation at volume", () => {
  it("covers 1,200 Pix in one scan, far past the 250 one run took before: the cron reads the first page, the other 11 go one message each", async () => {
    const world = pixWorld({ itemsPerPage: 100 });
    const items = Array.from({ length: 1200 }, (_, n) => receivedPix(T0 - 100 * MINUTE + n * 1000));
    world.psp.pix.push(...items);
    await world.cron(T0);
    expect(world.psp.pageRequests()).toHaveLength(1);
    expect(world.enqueued()).toHaveLength(100);
    expect(world.pages.map((p) => p.body.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The scan is the queue's now: the source's next run comes at its time.
    expect(await world.state()).toMatchObject({ lastCompletedFim: new Date(T0).toISOString(), nextRunAt: new Date(T0 + 10 * MINUTE).toISOString() });

    const settled = await world.drain(T0 + MINUTE);
    expect(settled).toHaveLength(11);
    expect(settled.every((s) => s.acked && !s.retried)).toBe(true);
    expect(world.enqueued()).toHaveLength(1200);
    expect(new Set(world.enqueued().map((e) => e.id)).size).toBe(1200);
    expect(await reconcileTotal(world.source, "recovered")).toBe(1200);
    expect(await reconcileTotal(world.source, "pages")).toBe(12);

    // The next scan reads the same Pix again: every one a duplicate, nothing delivered twice.
    await world.cron(T0 + 10 * MINUTE);
    await world.drain(T0 + 11 * MINUTE);
    expect(world.enqueued()).toHaveLength(1200);
    expect(await reconcileTotal(world.source, "duplicate")).toBe(1200);
  });

  it("reads a PSP that does not say how many pages there are one page after the other", async () => {
    const world = pixWorld({ itemsPerPage: 2 }, pspFor({ statesPageCount: false }));
    world.psp.pix.push(...[1, 2, 3, 4, 5, 6, 7].map((n) => receivedPix(T0 - n * MINUTE)));
    await world.cron(T0);
    expect(world.pages.map((p) => [p.body.page, p.body.fanOut])).toEqual([[1, true]]);
    await world.drain(T0);
    expect(world.pages.map((p) => p.body.page)).toEqual([1, 2, 3]);
    expect(world.enqueued()).toHaveLength(7);
  });

  it("never delivers a Pix older than the source's dedup window still covers; it is counted and logged instead", async () => {
    // An hour of dedup: a Pix reached later than that (less a 10-minute margin) may have lost its mark.
    const world = pixWorld({ itemsPerPage: 1 }, pspFor(), { dedupTtlSeconds: 3600 });
    const recent = receivedPix(T0 - 5 * MINUTE);
    const older = receivedPix(T0 - 40 * MINUTE);
    world.psp.pix.push(recent, older);
    await world.cron(T0); // reads page 0 (the recent one); page 1 waits in the queue
    expect(world.enqueued().map((e) => e.data)).toEqual([recent]);

    await world.drain(T0 + 30 * MINUTE); // the queue was slow: the older Pix is now 70 minutes old
    expect(world.psp.pageRequests()).toHaveLength(2);
    expect(world.enqueued().map((e) => e.data)).toEqual([recent]);
    expect(await reconcileTotal(world.source, "too_old")).toBe(1);
    const line = world.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === "reconcile_run" && l.outcome === "page");
    expect(line).toMatchObject({ source: world.source, tooOld: 1, recovered: 0 });
  });

  it("delivers the same Pix when the queue reaches it while dedup still covers it", async () => {
    const world = pixWorld({ itemsPerPage: 1 }, pspFor(), { dedupTtlSeconds: 3600 });
    const older = receivedPix(T0 - 40 * MINUTE);
    world.psp.pix.push(receivedPix(T0 - 5 * MINUTE), older);
    await world.cron(T0);
    await world.drain(T0 + 10 * MINUTE); // 50 minutes old: inside the hour, less the margin
    expect(world.enqueued().map((e) => e.data)).toContainEqual(older);
    expect(await reconcileTotal(world.source, "too_old")).toBe(0);
  });

  it("sends a page the PSP failed on again with backoff, and gives it up, counted, once dedup covers none of its window", async () => {
    const world = pixWorld({ itemsPerPage: 1, everyMinutes: 10 }, pspFor(), { dedupTtlSeconds: 3600 });
    world.psp.pix.push(receivedPix(T0 - 5 * MINUTE), receivedPix(T0 - 6 * MINUTE));
    await world.cron(T0);
    world.psp.setOutage(503);
    // Each time the PSP fails on it, the page is sent again later: 1 minute, then 2, ...
    expect(await world.drain(T0 + MINUTE, {}, 2)).toEqual([
      { acked: true, retried: false },
      { acked: true, retried: false },
    ]);
    expect(world.pages.map((p) => [p.body.page, p.body.attempt, p.delaySeconds])).toEqual([
      [1, 0, undefined],
      [1, 1, 60],
      [1, 2, 120],
    ]);
    expect(await reconcileTotal(world.source, "failed")).toBe(2);

    // Two hours on, the whole window (up to T0) is past the hour of dedup: given up, counted.
    expect(await world.drain(T0 + 120 * MINUTE)).toEqual([{ acked: true, retried: false }]);
    expect(await reconcileTotal(world.source, "expired")).toBe(1);
    expect(world.logs.some((l) => l.includes('"reconcile_page_expired"'))).toBe(true);
    expect(world.pages).toHaveLength(3);
    expect(world.enqueued()).toHaveLength(1);
  });

  it("spends one invocation's subrequests on as many pages as the ledger's shards allow", () => {
    expect(pagesPerInvocation({ shards: 16 })).toBe(16);
    expect(pagesPerInvocation({ shards: 256 })).toBe(1);
    // Each page: the PSP's answer, a reserve and a confirm per shard, sends: within 1,000 with the rest.
    for (const shards of [1, 16, 64, 256]) expect(pagesPerInvocation({ shards }) * (1 + 2 * shards + 20)).toBeLessThanOrEqual(1000);
  });
});
