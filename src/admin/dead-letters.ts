import { BulkReplayBody, recordReplay, startBulkReplay } from "../deadletters/bulk";
import { replayDeadLetter } from "../deadletters/replay";
import { getDeadLetter, listDeadLetters } from "../deadletters/store";
import { isLedgerUnroutedId, listUnrouted, replayLedgerUnrouted } from "../deadletters/unrouted";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { Recorder } from "../ledger/recorder";
import { invalid, readJson, readOptionalJson } from "./read-json";
import { DeadLetterQuery, ReplayBody } from "./schemas";

export function registerDeadLetterAdmin(app: App): void {
  app.get("/admin/dead-letters", async (c) => {
    const query = DeadLetterQuery.safeParse(c.req.query());
    if (!query.success) throw invalid(query.error, "(query)");
    const { route, ...rest } = query.data;
    // Unrouted envelopes live in the ledger (deadletters/unrouted.ts), with the event log on.
    if (rest.kind === "unrouted" && c.get("config").eventLog.enabled && c.env.LEDGER) return c.json(await listUnrouted(c.env, c.get("config"), rest));
    return c.json(await listDeadLetters(c.env.STATE, { ...rest, routeId: route }));
  });

  app.post("/admin/dead-letters/replay", async (c) => {
    const { route, ...filter } = await readJson(c.req.raw, BulkReplayBody);
    const answer = await startBulkReplay(c.env, c.get("config"), { ...filter, routeId: route }, c.req.query("cursor"));
    c.set("logFields", { ...c.get("logFields"), replaying: answer.replaying });
    return c.json(answer, 202);
  });

  app.get("/admin/dead-letters/:id", async (c) => {
    const record = await getDeadLetter(c.env.STATE, c.req.param("id"));
    if (!record) throw new GatewayError("not_found", "no such dead letter");
    return c.json(record);
  });

  app.post("/admin/dead-letters/:id/replay", async (c) => {
    const id = c.req.param("id");
    if (isLedgerUnroutedId(id)) {
      const options = await readOptionalJson(c.req.raw, ReplayBody);
      const replayed = await replayLedgerUnrouted(c.env, c.get("config"), id, new Date(), (p) => c.executionCtx.waitUntil(p), options);
      c.set("logFields", { ...c.get("logFields"), deadLetter: id, ids: replayed.ids });
      return c.json({ status: "replaying", id, ...replayed }, 202);
    }
    const record = await getDeadLetter(c.env.STATE, id);
    if (!record) throw new GatewayError("not_found", "no such dead letter");
    const events = Recorder.for(c.env, c.get("config"));
    const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
    const options = await readOptionalJson(c.req.raw, ReplayBody);
    const replayed = await replayDeadLetter(c.env, c.get("config"), record, new Date(), waitUntil, events, options);
    recordReplay(events, record.kind, replayed);
    waitUntil(events.flush());
    c.set("logFields", { ...c.get("logFields"), deadLetter: id, ids: replayed.ids });
    return c.json({ status: "replaying", id, ...replayed }, 202);
  });
}
