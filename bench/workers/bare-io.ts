/**
 * Baseline for (a): a bare Hono worker with the gateway's I/O on the accepted path and
 * nothing else. Per POST it reads the body, parses it for the id, then makes the same calls
 * as src/ingest/accept.ts: DEDUP.get(id) and STATE.get("routes", "json") together,
 * DELIVERIES.sendBatch([one message of the same shape]), and waitUntil(DEDUP.put(id)).
 * A seen id answers 200 without sending, as the gateway's duplicate path does.
 */
import { Hono } from "hono";
import type { KvLike, QueueLike } from "./bindings";

type Env = { Bindings: { DEDUP: KvLike; STATE: KvLike; DELIVERIES: QueueLike } };

const app = new Hono<Env>();
const TTL_SECONDS = 7 * 86_400;

app.post("/hooks/:source", async (c) => {
  const source = c.req.param("source");
  const data = JSON.parse(await c.req.text()) as { id: string };
  const id = `${source}:${data.id}`;
  const [seen] = await Promise.all([c.env.DEDUP.get(id), c.env.STATE.get("routes", "json")]);
  if (seen !== null) return c.json({ status: "duplicate", ids: [id] }, 200);

  const now = new Date().toISOString();
  const envelope = {
    specversion: "1.0",
    id,
    source: `/hooks/${source}`,
    type: "bench.event",
    time: now,
    datacontenttype: "application/json",
    data,
    receivedat: now,
  };
  await c.env.DELIVERIES.sendBatch([{ body: { v: 1, routeId: "bench-sink", source, attempts: [], envelope }, contentType: "json" }]);
  c.executionCtx.waitUntil(c.env.DEDUP.put(id, now, { expirationTtl: TTL_SECONDS }));
  return c.json({ status: "accepted", ids: [id] }, 202);
});

export default app;
