import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_ROW_TEXT } from "../../src/ledger/writes";
import { arrivals, bucketUrl, consume } from "../delivery/governed/helpers";
import { callWorker, recordingQueue, uniqueId } from "../helpers";
import { bindings } from "./helpers";
import { rowsOf } from "./shards";

// Issue 28, finding 1: an oversized ledger row lost the dedup marks of its whole shard call.
// A 2.2 MB txid went into the row's subject, SQLite refused the value (over 2 MB), and that row
// and every row after it in the shard's confirm were never written: re-sending the batch
// accepted and delivered those items a second time. Every value that reaches a row is now
// bounded, and each row is written on its own.

afterEach(() => vi.useRealTimers());

const MIB = 1024 * 1024;

function config(bucket: string) {
  return {
    sources: { pix: { provider: "pix", maxBodyBytes: 5 * MIB, auth: [{ type: "none" }] } },
    routes: [{ id: "payments", events: ["pix.*"], url: bucketUrl(bucket) }],
  };
}

/** 41 received Pix, the 8th with a txid of 2.2 MB. */
function batch(): { pix: Record<string, unknown>[] } {
  const run = uniqueId()
    .replace(/[^a-zA-Z0-9]/g, "")
    .slice(-12);
  return {
    pix: Array.from({ length: 41 }, (_, i) => ({
      endToEndId: `E0000000020261201103${String(i).padStart(2, "0")}${run}`.padEnd(32, "0"),
      txid: i === 7 ? "t".repeat(2_200_000) : `tx${run}${i}`,
      valor: "10.00",
      horario: "2026-12-01T10:30:00Z",
    })),
  };
}

async function post(body: string, bucket: string, queue: unknown) {
  const response = await callWorker(
    new Request("https://gw.example/hooks/pix/pix", { method: "POST", headers: { "content-type": "application/json" }, body }),
    {
      GATEWAY_CONFIG: JSON.stringify(config(bucket)),
      DELIVERIES: queue,
    },
  );
  return { status: response.status, body: await response.json<{ status: string; ids: string[] }>() };
}

describe("an oversized ledger row (issue 28, finding 1)", () => {
  it("costs no item its dedup mark: a 41-item batch with a 2.2 MB txid, re-sent at once and after a minute, is 41 duplicates each time and delivered once each", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T10:30:00Z"));
    const bucket = uniqueId("oversized");
    const body = JSON.stringify(batch());
    expect(body.length).toBeGreaterThan(2_200_000);
    const recorder = recordingQueue();

    const first = await post(body, bucket, recorder.queue);
    expect(first.status).toBe(202);
    expect(first.body.ids).toHaveLength(41);
    // The consumer re-sends what it holds (a quiet route's first batch tries at most the breaker's
    // `failures`, the rest come back a second later): drain the queue as Queues would.
    const consumerBindings = bindings(config(bucket), { DELIVERIES: recorder.queue });
    for (let round = 0; recorder.sent.length > 0 && round < 10; round++) await consume(recorder.sent.splice(0), consumerBindings, "real");

    const atOnce = await post(body, bucket, recorder.queue);
    expect(atOnce).toEqual({ status: 200, body: { status: "duplicate", ids: first.body.ids } });

    vi.setSystemTime(new Date("2026-12-01T10:31:01Z"));
    const aMinuteOn = await post(body, bucket, recorder.queue);
    expect(aMinuteOn).toEqual({ status: 200, body: { status: "duplicate", ids: first.body.ids } });
    expect(recorder.sent).toEqual([]);

    // The big item's row keeps its subject cut (docs/event-log.md), and its mark like every other.
    const [big] = await rowsOf(first.body.ids[7]!);
    expect(big?.subject).toHaveLength(MAX_ROW_TEXT);
    expect(big?.subject?.endsWith("…")).toBe(true);

    const arrived = (await arrivals(bucket)).map((a) => (JSON.parse(a.body) as { id: string }).id);
    expect(arrived.sort()).toEqual([...first.body.ids].sort());
  }, 30_000);
});
