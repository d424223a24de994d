import { DurableObject } from "cloudflare:workers";

/** Per id, what a reservation found: 0 reserved for the caller, 1 accepted before (a duplicate), 2 held by a request still in flight. */
export const RESERVED = 0;
export const DUPLICATE = 1;
export const IN_FLIGHT = 2;
export type Verdict = typeof RESERVED | typeof DUPLICATE | typeof IN_FLIGHT;

/**
 * RETIRED: the ledger (./object.ts) gives every source what this gave `"dedup": "strict"`
 * sources. The class stays exported because a deployed Durable Object class cannot simply
 * vanish (wrangler refuses a deploy that drops it without a `deleted_classes` migration, which
 * would also delete its data); nothing calls it any more. docs/deploy.md says how to delete it
 * once `ledger.kvMarksUntil` has passed.
 *
 * It was the authority for the ids of one strict source (or one shard of it), in SQLite storage. A
 * Durable Object runs one call at a time and each method here is synchronous, so a check and
 * the write that follows it are one atomic step: of two requests carrying the same id, one
 * reserves it and the other sees the reservation.
 *
 * A row is a reservation (`confirmed` 0, expiring soon, owned by the request's token) or an
 * accepted id (`confirmed` 1, expiring with the source's dedup window). Expired rows count as
 * absent and are swept a few at a time on each reservation.
 */
export class StrictDedup extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY, token TEXT NOT NULL, confirmed INTEGER NOT NULL, expires INTEGER NOT NULL);" +
        "CREATE INDEX IF NOT EXISTS ids_by_expiry ON ids (expires)",
    );
  }

  /** Reserves every id that is free for `reservationMs`; one answer per id, in order. */
  reserve(ids: string[], token: string, reservationMs: number): Verdict[] {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    this.sweep(now, ids.length + 100);
    return ids.map((id) => {
      const row = sql.exec<{ confirmed: number; expires: number }>("SELECT confirmed, expires FROM ids WHERE id = ?", id).toArray()[0];
      if (row && row.expires > now) return row.confirmed === 1 ? DUPLICATE : IN_FLIGHT;
      sql.exec(
        "INSERT INTO ids (id, token, confirmed, expires) VALUES (?, ?, 0, ?) ON CONFLICT (id) DO UPDATE SET token = excluded.token, confirmed = 0, expires = excluded.expires",
        id,
        token,
        now + reservationMs,
      );
      return RESERVED;
    });
  }

  /**
   * The enqueue succeeded: the ids are accepted for `ttlSeconds`. A reservation that expired
   * meanwhile is confirmed all the same unless another request holds the id now.
   */
  confirm(ids: string[], token: string, ttlSeconds: number): void {
    const now = Date.now();
    for (const id of ids) {
      this.ctx.storage.sql.exec(
        "INSERT INTO ids (id, token, confirmed, expires) VALUES (?, ?, 1, ?) ON CONFLICT (id) DO UPDATE SET confirmed = 1, expires = excluded.expires, token = excluded.token WHERE ids.token = excluded.token OR ids.expires <= ?",
        id,
        token,
        now + ttlSeconds * 1000,
        now,
      );
    }
  }

  /** The enqueue failed: the caller's reservations go, so its retry gets through at once. */
  release(ids: string[], token: string): void {
    for (const id of ids) this.ctx.storage.sql.exec("DELETE FROM ids WHERE id = ? AND token = ? AND confirmed = 0", id, token);
  }

  private sweep(now: number, limit: number): void {
    this.ctx.storage.sql.exec("DELETE FROM ids WHERE id IN (SELECT id FROM ids WHERE expires <= ? ORDER BY expires LIMIT ?)", now, limit);
  }
}
