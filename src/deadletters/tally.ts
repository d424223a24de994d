import type { DeadLetterSummary } from "./record";

/**
 * How many dead letters there are, per kind, source, route and reason, without listing KV: a
 * small D1 table (`dead_letters`, one row per record, migrations/0003) that follows each write
 * and removal of a record. store.ts reports them here; they are written with the isolate's next
 * event-log batch (events/metrics.ts), never in the way of keeping the record itself. A record's
 * row says when KV expires it, so the count leaves expired records out and retention deletes
 * their rows.
 *
 * What it can miss: a change held by an isolate that is evicted before its next write, or a
 * write D1 refused twice. A record's row then goes with its expiry at the latest (a missed
 * removal), or the record is not counted (a missed write); records kept before this table
 * existed are not counted either. The gauge is for trends and alerts, the list is the truth.
 */
interface Tallied {
  kind: string;
  source: string;
  route: string;
  reason: string;
  expiresAt: number;
}

/** id → its row, or null when the record was removed; the last word in this isolate wins. */
const pending = new Map<string, Tallied | null>();

export function tallyStored(summary: DeadLetterSummary, expiresAt: number): void {
  pending.set(summary.id, { kind: summary.kind, source: summary.source, route: summary.routeId ?? "", reason: summary.reason, expiresAt });
}

export function tallyRemoved(id: string): void {
  pending.set(id, null);
}

/** D1 binds at most 100 parameters a statement: 16 rows of 6. */
const ROWS_PER_STATEMENT = 16;

/** What changed since the last write, taken out of the isolate; `restore` puts back what is not newer. */
export function tallyStatements(db: D1Database): { statements: D1PreparedStatement[]; restore: () => void } {
  if (pending.size === 0) return { statements: [], restore: () => {} };
  const taken = [...pending];
  pending.clear();
  const restore = () => {
    for (const [id, row] of taken) if (!pending.has(id)) pending.set(id, row);
  };
  const stored = taken.flatMap(([id, row]) => (row ? [[id, row.kind, row.source, row.route, row.reason, row.expiresAt] as const] : []));
  const removed = taken.flatMap(([id, row]) => (row ? [] : [id]));
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < stored.length; i += ROWS_PER_STATEMENT) {
    const chunk = stored.slice(i, i + ROWS_PER_STATEMENT);
    statements.push(
      db
        .prepare(
          `INSERT INTO dead_letters (id, kind, source, route, reason, expires_at) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, source = excluded.source, route = excluded.route, reason = excluded.reason, expires_at = excluded.expires_at`,
        )
        .bind(...chunk.flat()),
    );
  }
  if (removed.length > 0) statements.push(db.prepare("DELETE FROM dead_letters WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(removed)));
  return { statements, restore };
}

export interface DeadLetterCount {
  kind: string;
  source: string;
  route: string;
  reason: string;
  count: number;
}

/** Records not yet expired, per kind, source, route and reason. Reads one row per record. */
export async function countDeadLetters(db: D1Database, now: number): Promise<DeadLetterCount[]> {
  const { results } = await db
    .prepare(
      "SELECT kind, source, route, reason, count(*) AS count FROM dead_letters WHERE expires_at > ?1 GROUP BY kind, source, route, reason ORDER BY kind, source, route, reason",
    )
    .bind(now)
    .all<DeadLetterCount>();
  return results;
}
