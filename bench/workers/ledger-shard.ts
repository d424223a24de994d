/**
 * For `npm run bench:ledger -- --only console`: the ledger's own shard class, plus a `fill` that
 * writes generated events (and their search index) straight into a day table with SQL (a million in seconds), so the
 * console's queries can be timed against one shard of that size. Built by wrangler like the
 * other bench workers; checked by the root tsconfig (it needs the Workers types).
 */
import { Ledger } from "../../src/ledger/object";

const SOURCES = ["bs2", "pix", "bmp", "acme"];
const STATES = ["delivered", "delivered", "delivered", "pending", "dead"];

export class BenchShard extends Ledger {
  /** `count` events received over the day `day` (YYYYMMDD), newest last; the object restarts to see the table. */
  fill(count: number, day: string): { rows: number; databaseBytes: number } {
    const sql = this.ctx.storage.sql;
    const table = `ev_${day}`;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL, source TEXT NOT NULL,
        type TEXT NOT NULL, subject TEXT, time TEXT NOT NULL, received_at INTEGER NOT NULL, state TEXT NOT NULL,
        envelope TEXT, requests TEXT NOT NULL, deliveries TEXT NOT NULL)`,
    );
    const start = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
    const step = Math.max(1, Math.floor(86_400_000 / count));
    const envelope = JSON.stringify({
      specversion: "1.0",
      type: "bs2.boleto.settled",
      data: { NossoNumeroBoleto: "00012345678", Valor: "1990.00", Pagador: { Nome: "Maria da Silva", Documento: "12345678909" } },
    });
    for (let done = 0; done < count; done += 100_000) {
      const n = Math.min(100_000, count - done);
      sql.exec(
        `WITH RECURSIVE g(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM g WHERE i < ?1 + ?2 - 1)
         INSERT INTO ${table} (key, id, source, type, subject, time, received_at, state, envelope, requests, deliveries)
         SELECT 'src' || (i % 4) || ':evt-' || i, 'src' || (i % 4) || ':evt-' || i, json_extract(?3, '$[' || (i % 4) || ']'), 'bs2.boleto.settled', 'S-' || i,
           '2026-12-02T00:00:00Z', ?4 + i * ?5, json_extract(?6, '$[' || (i % 5) || ']'), ?7,
           '[{"requestId":"r","at":"2026-12-02T00:00:00Z","outcome":"accepted"}]',
           '{"ledger":{"state":"delivered","attempts":[{"at":"2026-12-02T00:00:01Z","status":200,"durationMs":40}]}}'
         FROM g`,
        done,
        n,
        JSON.stringify(SOURCES),
        start,
        step,
        JSON.stringify(STATES),
        envelope,
      );
    }
    // The search index as acceptance writes it: the subject, the provider's id (shared by three
    // statuses, like a BS2 boleto's Id) and a business key (shared by two, like a Pix and its refund).
    const index = `sk_${day}`;
    sql.exec(`CREATE TABLE IF NOT EXISTS ${index} (term TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (term, seq)) WITHOUT ROWID`);
    for (const term of ["subject", "'P-' || (seq / 3)", "'K-' || (seq / 2)"]) sql.exec(`INSERT INTO ${index} (term, seq) SELECT ${term}, seq FROM ${table}`);
    const rows = sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
    const databaseBytes = this.ctx.storage.sql.databaseSize;
    return { rows, databaseBytes };
  }

  /** Starts the object again, so its table list is read afresh. */
  restart(): void {
    this.ctx.abort("bench: read the tables again");
  }
}

/** One shard, driven over HTTP by bench/ledger.ts: `POST /{fill|restart|list|find}` with the call's arguments as a JSON array. */
export default {
  async fetch(request: Request, env: { LEDGER: DurableObjectNamespace<BenchShard> }): Promise<Response> {
    const method = new URL(request.url).pathname.slice(1);
    const args = (await request.json()) as unknown[];
    const stub = env.LEDGER.get(env.LEDGER.idFromName("bench-shard"));
    try {
      if (method === "fill") return Response.json(await stub.fill(args[0] as number, args[1] as string));
      if (method === "restart") return Response.json(await stub.restart().catch(() => null));
      if (method === "list") return Response.json(await stub.list(args[0] as Parameters<Ledger["list"]>[0]));
      if (method === "find") return Response.json(await stub.find(args[0] as string[], args[1] as number));
      if (method === "search") return Response.json(await stub.search(args[0] as string, args[1] as number));
    } catch (error) {
      return new Response(String(error), { status: 500 });
    }
    return new Response("no such call", { status: 404 });
  },
};
