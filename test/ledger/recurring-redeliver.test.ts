import { afterEach, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../delivery/helpers";
import { callWorker, uniqueId } from "../helpers";
import { ADMIN_TOKEN, admin, bindings } from "./helpers";
import { rowsOf } from "./shards";

// Issue 28, finding 2: redelivering an older occurrence of a recurring id re-keyed the current
// row and inserted a second row for the key; from then on every retry of the newer occurrence
// was accepted and delivered again, each confirm failing on `UNIQUE constraint failed`.

const API_KEY = "recurring-redeliver-api-key";
const config = {
  sources: { bmp: { provider: "bmp", auth: [{ type: "header", name: "API-Key", value: API_KEY }] } },
  routes: [{ id: "proposals", events: ["bmp.*"], url: "http://127.0.0.1:9/proposals" }],
};
const bound = bindings(config, { ADMIN_TOKEN });

afterEach(() => vi.useRealTimers());

async function pending(proposal: string, at: string) {
  vi.setSystemTime(new Date(at));
  const response = await callWorker(
    new Request(`https://gw.example/hooks/bmp?proposal=${proposal}&status=5`, { method: "GET", headers: { "API-Key": API_KEY } }),
    bound,
  );
  return { status: response.status, body: await response.json<{ status: string; ids: string[] }>() };
}

describe("redelivering an older occurrence of a recurring id (issue 28, finding 2)", () => {
  it("never moves the key off the newer occurrence: every later retry is a duplicate, and no constraint fails", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const logs = captureLogs();
    const proposal = uniqueId().replace(/-/g, "");
    const [older, newer] = [`bmp:${proposal}:5@20261201T100000Z`, `bmp:${proposal}:5@20261201T120000Z`];

    expect(await pending(proposal, "2026-12-01T10:30:00Z")).toMatchObject({ status: 202, body: { ids: [older] } });
    expect(await pending(proposal, "2026-12-01T12:20:00Z")).toMatchObject({ status: 202, body: { ids: [newer] } });
    expect(await pending(proposal, "2026-12-01T12:25:00Z")).toEqual({ status: 200, body: { status: "duplicate", ids: [newer] } });

    vi.setSystemTime(new Date("2026-12-01T12:27:00Z"));
    const redelivered = await admin(`/admin/events/${encodeURIComponent(older)}/redeliver`, bound, { method: "POST", body: "{}" });
    expect(redelivered).toMatchObject({ status: 202, body: { status: "redelivering", id: older } });

    for (const at of ["2026-12-01T12:30:00Z", "2026-12-01T12:50:00Z", "2026-12-01T13:15:00Z"]) {
      expect(await pending(proposal, at)).toEqual({ status: 200, body: { status: "duplicate", ids: [newer] } });
    }
    // One row per occurrence, the older with its redelivery in its own row.
    const rows = await rowsOf(older);
    expect(rows.map((r) => r.id).sort()).toEqual([older, newer]);
    expect(rows.find((r) => r.id === newer)?.key).toBe(`bmp:${proposal}:5`);
    expect(logs.raw().filter((line) => /UNIQUE constraint|ledger_confirm_failed|ledger_row_reduced/.test(line))).toEqual([]);
  });
});
