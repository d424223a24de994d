import type { DayTables } from "./tables";

/**
 * A shard never reaches its storage limit by surprise (docs/event-log.md, "A full shard").
 * The hourly check measures it; at FILL_ALERT of its limit it alerts and drops its oldest day
 * tables, one day at a time, until it is back under, but only days before `dedupFromDay`: the
 * marks that dedup still needs are never dropped, so the event log's retention shortens instead.
 */
export const FILL_ALERT = 0.8;

export interface ShardFill {
  /** What the shard's SQLite occupies (`sql.databaseSize`), after any drop. */
  bytes: number;
  /** Of it, pages in use (the file keeps the pages a dropped table freed, and reuses them). */
  usedBytes: number;
  limitBytes: number;
  /** Day tables dropped to make room (the event log's retention shortened by these days). */
  shortened: string[];
  /** The oldest day the shard still keeps, if any. */
  oldestDay?: string;
}

export function fitToLimit(tables: DayTables, sql: SqlStorage, limitBytes: number, dedupFromDay: string): ShardFill {
  const shortened: string[] = [];
  for (;;) {
    if (usedBytes(tables, sql) < limitBytes * FILL_ALERT) break;
    const oldest = oldestDay(tables);
    if (oldest === undefined || oldest >= dedupFromDay) break;
    shortened.push(...tables.dropBefore(nextDay(oldest)));
  }
  return { bytes: sql.databaseSize, usedBytes: usedBytes(tables, sql), limitBytes, shortened, oldestDay: oldestDay(tables) };
}

function oldestDay(tables: DayTables): string | undefined {
  return [...tables.days("ev"), ...tables.days("mk")].sort()[0];
}

/** The database's size less the free pages a dropped table left (SQLite reuses them before it grows). */
function usedBytes(tables: DayTables, sql: SqlStorage): number {
  try {
    const pageSize = tables.run<{ page_size: number }>("PRAGMA page_size")[0]?.page_size ?? 0;
    const free = tables.run<{ freelist_count: number }>("PRAGMA freelist_count")[0]?.freelist_count ?? 0;
    return Math.max(0, sql.databaseSize - free * pageSize);
  } catch {
    return sql.databaseSize;
  }
}

function nextDay(day: string): string {
  const start = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T00:00:00Z`);
  return new Date(start + 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
}
