/**
 * Baseline for (a): a bare Hono worker with the gateway's I/O on the accepted path and
 * nothing else. Per POST it reads the body, parses it for the id, then makes the calls the
 * gateway makes with its ledger (src/ingest/accept.ts): one Durable Object call that looks the
 * key up in SQLite and holds it (MARKS.check), DELIVERIES.sendBatch([one message of the same
 * shape]), and waitUntil(one more call that inserts the key's row). A seen id answers 200
 * without sending, as the gateway's duplicate path does. (The gateway reads its added routes
 * from KV once per 5 s per isolate, so per request neither reads KV.)
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import type { QueueLike } from "./bindings";

/** The same SQL work per key as a ledger shard: an index lookup, then an insert of a row with a unique key. */
export class BareMarks extends DurableObject {
  readonly #held = new Set<string>();

  constructor(ctx: unknown, env: unknown) {
    super(ctx, env);
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS marks (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, body TEXT NOT NULL)");
  }

  check(key: string): boolean {
    if (this.#held.has(key)) return false;
    const seen = this.ctx.storage.sql.exec("SELECT seq FROM marks WHERE key = ?", key).toArray().length > 0;
    if (!seen) this.#held.add(key);
    return !seen;
  }

  mark(key: string, body: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO marks (key, body) VALUES (?, ?)", key, body);
    this.#held.delete(key);
  }
}

interface MarksStub {
  check(key: string): Promise<boolean>;
  mark(key: string, body: string): Promise<void>;
}
interface MarksNamespace {
  idFromName(name: string): unknown;
  get(id: unknown): unknown;
}
type Env = { Bindings: { MARKS: MarksNamespace; DELIVERIES: QueueLike } };

const app = new Hono<Env>();
const SHARDS = 16;

function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

app.post("/hooks/:source", async (c) => {
  const source = c.req.param("source");
  const data = JSON.parse(await c.req.text()) as { id: string };
  const id = `${source}:${data.id}`;
  const stub = c.env.MARKS.get(c.env.MARKS.idFromName(`shard-${shardOf(id)}`)) as unknown as MarksStub;
  if (!(await stub.check(id))) return c.json({ status: "duplicate", ids: [id] }, 200);

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
  c.executionCtx.waitUntil(stub.mark(id, JSON.stringify(envelope)));
  return c.json({ status: "accepted", ids: [id] }, 202);
});

export default app;
