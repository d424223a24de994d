import { replayDeadLetter } from "../deadletters/replay";
import { getDeadLetter, listDeadLetters } from "../deadletters/store";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { invalid, readOptionalJson } from "./read-json";
import { DeadLetterQuery, ReplayBody } from "./schemas";

export function registerDeadLetterAdmin(app: App): void {
  app.get("/admin/dead-letters", async (c) => {
    const query = DeadLetterQuery.safeParse(c.req.query());
    if (!query.success) throw invalid(query.error, "(query)");
    const { source, route, cursor, limit } = query.data;
    return c.json(await listDeadLetters(c.env.STATE, { source, routeId: route, cursor, limit }));
  });

  app.get("/admin/dead-letters/:id", async (c) => {
    const record = await getDeadLetter(c.env.STATE, c.req.param("id"));
    if (!record) throw new GatewayError("not_found", "no such dead letter");
    return c.json(record);
  });

  app.post("/admin/dead-letters/:id/replay", async (c) => {
    const id = c.req.param("id");
    const record = await getDeadLetter(c.env.STATE, id);
    if (!record) throw new GatewayError("not_found", "no such dead letter");
    const options = await readOptionalJson(c.req.raw, ReplayBody);
    const replayed = await replayDeadLetter(c.env, c.get("config"), record, new Date(), (p) => c.executionCtx.waitUntil(p), options);
    c.set("logFields", { ...c.get("logFields"), deadLetter: id, ids: replayed.ids });
    return c.json({ status: "replaying", id, ...replayed }, 202);
  });
}
