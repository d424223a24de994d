import { afterEach, describe, expect, it, vi } from "vitest";
import { callWorker, uniqueId } from "../helpers";
import { admin, bindings } from "./helpers";

afterEach(() => vi.useRealTimers());

const API_KEY = "search-bmp-api-key";
const config = {
  sources: { bmp: { provider: "bmp", auth: [{ type: "header", name: "API-Key", value: API_KEY }] } },
  routes: [{ id: "ledger", events: ["bmp.*"], url: "http://127.0.0.1:9/ledger" }],
};

async function bmpStatus(proposal: string, status: number) {
  const response = await callWorker(
    new Request(`https://gw.example/hooks/bmp?proposal=${proposal}&status=${status}`, { method: "GET", headers: { "API-Key": API_KEY } }),
    bindings(config),
  );
  return response.json<{ ids: string[] }>();
}

type Page = { events: { id: string; deliveries?: Record<string, { state: string; attempts: number }> }[] };

describe("searching for a BMP occurrence", () => {
  it("finds it by its id without the @window suffix, by q and by id, and by the full occurrence id", async () => {
    const proposal = uniqueId("PRP").replace(/-/g, "").toUpperCase();
    const { ids } = await bmpStatus(proposal, 5);
    expect(ids[0]).toMatch(new RegExp(`^bmp:${proposal}:5@\\d{8}T\\d{6}Z$`));
    const bound = bindings(config);
    for (const query of [`q=bmp:${proposal}:5`, `id=bmp:${proposal}:5`, `q=${encodeURIComponent(ids[0]!)}`]) {
      const page = await admin<Page>(`/admin/events?${query}`, bound);
      expect(page.status).toBe(200);
      expect(page.body.events.map((e) => e.id)).toEqual(ids);
    }
    const listed = await admin<Page>(`/admin/events?q=bmp:${proposal}:5`, bound);
    expect(listed.body.events[0]!.deliveries).toEqual({ ledger: { state: "pending", attempts: 0 } });
    expect((await admin<Page>(`/admin/events?q=bmp:${proposal}:9`, bound)).body.events).toEqual([]);
  });

  it("answers 400 for a cursor that is not one", async () => {
    expect((await admin("/admin/events?cursor=bm90LWEtY3Vyc29y", bindings(config))).status).toBe(400);
  });
});
