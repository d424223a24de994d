import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeadLetter } from "../../src/deadletters/record";
import { deleteDeadLetter, getDeadLetter, putDeadLetter, storeDeadLetter } from "../../src/deadletters/store";
import { errorOf, uniqueId } from "../helpers";
import { adminClient } from "./client";

type Page = { deadLetters: { id: string; createdAt: string }[]; cursor?: string };

/** A source of its own, so other tests' records sharing the local KV do not show. */
function records(count: number, times: string[]): { source: string; list: DeadLetter[] } {
  const source = `s${uniqueId().replace(/[^a-z0-9]/g, "")}`.slice(0, 40);
  const list = Array.from({ length: count }, (_, i) => ({
    id: `d${i}${source}`.slice(0, 60),
    kind: "delivery" as const,
    source,
    routeId: "ledger",
    reason: "attempts_exhausted" as const,
    createdAt: times[i]!,
    state: "dead" as const,
    attempts: [],
  }));
  return { source, list };
}

async function everyPage(admin: ReturnType<typeof adminClient>["admin"], query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await (await admin("GET", `/admin/dead-letters?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json<Page>();
    ids.push(...page.deadLetters.map((d) => d.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

describe("GET /admin/dead-letters", () => {
  it("answers 400 naming an unknown query parameter", async () => {
    const { admin } = adminClient();
    const response = await admin("GET", "/admin/dead-letters?subject=00012345&source=acme");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('"subject"');
    expect((await admin("GET", "/admin/dead-letters?source=acme&route=ledger&limit=5")).status).toBe(200);
  });

  it("lists newest first, whatever order they were written in, across pages", async () => {
    const { admin } = adminClient();
    const times = ["2026-03-01T10:00:00.000Z", "2026-03-03T10:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-02T10:00:00.000Z"];
    const { source, list } = records(4, times);
    for (const record of list) await putDeadLetter(env.STATE, record, 14);

    const page = await (await admin("GET", `/admin/dead-letters?source=${source}`)).json<Page>();
    expect(page.deadLetters.map((d) => d.createdAt)).toEqual([times[1], times[3], times[0], times[2]]);
    // Newer than anything written by the other tests, so it is first on the unfiltered first page too.
    const { list: newest } = records(1, ["2099-01-01T00:00:00.000Z"]);
    await putDeadLetter(env.STATE, newest[0]!, 14);
    const first = await (await admin("GET", "/admin/dead-letters?limit=1")).json<Page>();
    expect(first.deadLetters.map((d) => d.id)).toEqual([newest[0]!.id]);
    await deleteDeadLetter(env.STATE, newest[0]!.id);

    expect(await everyPage(admin, `source=${source}&limit=1`)).toEqual([list[1]!.id, list[3]!.id, list[0]!.id, list[2]!.id]);
  });

  it("lists a record written again once, at its new time, and forgets a deleted one; each stays readable by id", async () => {
    const { admin } = adminClient();
    const { source, list } = records(2, ["2026-04-01T00:00:00.000Z", "2026-04-02T00:00:00.000Z"]);
    for (const record of list) await putDeadLetter(env.STATE, record, 14);

    // The first fails again later (a replay that failed): the same id, a later createdAt.
    await storeDeadLetter(env.STATE, { ...list[0]!, createdAt: "2026-04-03T00:00:00.000Z" }, list[0]!.id, 14);
    expect(await everyPage(admin, `source=${source}`)).toEqual([list[0]!.id, list[1]!.id]);
    expect((await getDeadLetter(env.STATE, list[0]!.id))?.createdAt).toBe("2026-04-03T00:00:00.000Z");
    const byId = await admin("GET", `/admin/dead-letters/${list[1]!.id}`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toMatchObject({ id: list[1]!.id, source });

    await deleteDeadLetter(env.STATE, list[0]!.id);
    expect(await everyPage(admin, `source=${source}`)).toEqual([list[1]!.id]);
    expect(await getDeadLetter(env.STATE, list[0]!.id)).toBeUndefined();
    expect(await env.STATE.list({ prefix: "dlt:" }).then((p) => p.keys.filter((k) => k.name.endsWith(list[0]!.id)))).toEqual([]);
  });
});
