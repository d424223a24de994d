import { DurableObject } from "cloudflare:workers";
import { log } from "../log";
import { fitToLimit, type ShardFill } from "./fill";
import { applyUpdate, type EventRow, eventState, type MarkRow, parseJson, type RouteUpdate } from "./rows";
import { type FoundRow, findRows, listRows, type ShardPage, type ShardQuery, type SummaryRow, searchRows } from "./scan";
import { DayTables, dayOf, type Meter } from "./tables";
import { appendLine, boundedText, insertEvent, insertMark, markOnlyRow } from "./writes";

/**
 * Per key, what a reservation found: fresh (reserved for the caller), seen under an id, busy
 * (another request holds it), or unwritable (the shard could not write its last marks: nothing
 * new is taken until it can, so nothing is enqueued that it could not remember).
 */
export type Verdict = { fresh: true } | { seen: string } | { busy: true } | { unwritable: true };

/** What a confirm could not write as a whole row: `markOnly` kept their mark in a reduced row, `unwritten` only in memory. */
export interface ConfirmAnswer {
  markOnly: number;
  unwritten: number;
}

export interface ReserveInput {
  keys: string[];
  ttlSeconds: number;
  token: string;
  /** The request's time (ms): the window is counted back from it. The Worker's clock, so a test's clock too. */
  now?: number;
  /** The request, when the event log is on: a duplicate's line joins the first request's timeline. */
  line?: { requestId: string; at: string };
}

export interface ConfirmInput {
  token?: string;
  events?: EventRow[];
  marks?: MarkRow[];
  /** Keys reserved by `token` that were not accepted after all (an old KV mark said seen). */
  release?: string[];
}

/**
 * How long an in-flight mark holds a key without its confirm: past it the request that made it
 * is taken to have crashed, and a retry is accepted (at most a duplicate delivery, never a loss).
 */
export const RESERVATION_MS = 60_000;
export { MAX_TIMELINE_REQUESTS } from "./writes";
/** A request carrying a key another request holds waits this long for it to settle, then answers 503. */
export const WAIT_FOR_IN_FLIGHT_MS = 3_000;

interface InFlight {
  token: string;
  expires: number;
  settled: Promise<void>;
  settle: () => void;
}

/**
 * One shard of the ledger: exactly-once acceptance and the event log in SQLite (docs/event-log.md).
 *
 * Acceptance takes two calls and one write. `reserve` looks each key up and puts an in-memory
 * in-flight mark on the fresh ones (no write); the Worker enqueues; `confirm` inserts the rows,
 * and the row *is* the dedup mark. A Durable Object runs one call at a time, and each check with
 * its mark is synchronous, so of concurrent requests carrying a key exactly one reserves it; the
 * others wait for it to settle and answer duplicate (or 503 if it failed). A crash loses only
 * memory: the retry is accepted again, at most a duplicate delivery.
 */
export class Ledger extends DurableObject {
  readonly #tables: DayTables;
  readonly #inFlight = new Map<string, InFlight>();
  /** Route updates that came before their row was confirmed (the consumer can be that quick), per key, then per envelope id. */
  readonly #early = new Map<string, Map<string, RouteUpdate[]>>();
  /**
   * Marks the shard could not write (SQLite refused even the reduced row: the database is full
   * or failing), by key: they answer reserve as rows do, and every call tries them again. While
   * any is here, reserve takes no new key (`unwritable`: the provider is answered 503).
   */
  readonly #unwritten = new Map<string, { id: string; receivedAt: number; write: () => void }>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#tables = new DayTables(ctx.storage.sql);
  }

  async reserve(input: ReserveInput): Promise<Verdict[]> {
    await this.#waitForOthers(input.keys, input.token);
    this.#writeUnwritten();
    const now = Date.now();
    const since = (input.now ?? now) - input.ttlSeconds * 1000;
    const verdicts = input.keys.map((key): Verdict => {
      const held = this.#inFlight.get(key);
      if (held && held.expires > now && held.token !== input.token) return { busy: true };
      const found = this.#lookup(key, since);
      if (found) return { seen: found.id };
      return this.#unwritten.size > 0 ? { unwritable: true } : { fresh: true };
    });
    // A batch is never half-accepted: with a key busy, this shard marks nothing.
    if (verdicts.some((v) => "busy" in v || "unwritable" in v)) return verdicts;
    input.keys.forEach((key, i) => {
      const verdict = verdicts[i]!;
      if ("fresh" in verdict) this.#hold(key, input.token, now);
      else if ("seen" in verdict && input.line) appendLine(this.#tables, key, since, { ...input.line, outcome: "duplicate" });
    });
    return verdicts;
  }

  /** For each key, the id it was accepted under within the window (no mark made): a previous shard count's shard. */
  seen(keys: string[], ttlSeconds: number, now = Date.now()): (string | null)[] {
    const since = now - ttlSeconds * 1000;
    return keys.map((key) => this.#lookup(key, since)?.id ?? null);
  }

  /**
   * Writes each accepted envelope's row on its own: a row SQLite refuses is written again
   * reduced to its mark (markOnlyRow), and a mark it refuses too stays in memory (#unwritten).
   * One row never costs another its mark, and the caller's holds are released whatever happens.
   */
  confirm(input: ConfirmInput): ConfirmAnswer {
    const answer: ConfirmAnswer = { markOnly: 0, unwritten: 0 };
    try {
      this.#writeUnwritten();
      for (const row of input.events ?? []) this.#writeRow(row, answer);
      for (const mark of input.marks ?? []) this.#writeOrKeep(mark, () => insertMark(this.#tables, mark), answer);
    } finally {
      const keys = [...(input.events ?? []), ...(input.marks ?? [])].map((r) => r.key);
      if (input.token !== undefined) this.release([...keys, ...(input.release ?? [])], input.token);
    }
    return answer;
  }

  /** The enqueue failed (or the keys were not taken): the caller's marks go, so its retry gets through at once. */
  release(keys: string[], token: string): void {
    for (const key of keys) {
      const held = this.#inFlight.get(key);
      if (held && held.token === token) this.#forget(key, held);
    }
  }

  /** A hold ends: released, or expired without a confirm (whose early outcomes then have no row to join). */
  #forget(key: string, held: { settle: () => void }): void {
    this.#inFlight.delete(key);
    this.#early.delete(key);
    held.settle();
  }

  /** The consumer's outcomes for this shard's envelopes; one UPDATE per row. Answers how many could not be recorded. */
  report(updates: RouteUpdate[]): number {
    let unrecorded = 0;
    const groups = new Map<string, RouteUpdate[]>();
    for (const update of updates) groups.set(`${update.key}\u0000${update.id}`, [...(groups.get(`${update.key}\u0000${update.id}`) ?? []), update]);
    for (const group of groups.values()) {
      const first = group[0]!;
      const held = this.#inFlight.get(first.key);
      if (held && held.expires <= Date.now()) this.#forget(first.key, held);
      const row = findRows(this.#tables, [first.key, first.id], { exactId: first.id, dayHint: first.receivedAt, limit: 1, withDetail: false })[0];
      if (!row && held && held.expires > Date.now()) {
        // Its row is not written yet: kept for it by id (a recurring key's other occurrence has its own row).
        const early = this.#early.get(first.key) ?? new Map<string, RouteUpdate[]>();
        early.set(first.id, [...(early.get(first.id) ?? []), ...group]);
        this.#early.set(first.key, early);
        continue;
      }
      if (!row) {
        unrecorded += group.length;
        continue;
      }
      const deliveries = group.reduce(applyUpdate, parseJson(row.deliveries, {}));
      this.#tables.run(`UPDATE ${row.table} SET deliveries = ?, state = ? WHERE seq = ?`, JSON.stringify(deliveries), eventState(deliveries), row.seq);
    }
    return unrecorded;
  }

  list(query: ShardQuery): ShardPage {
    return listRows(this.#tables, query);
  }

  /** Rows a search term (subject, provider id, business key) was indexed under, newest first; the term is bounded like the rows' (writes.ts). */
  search(term: string, limit: number): SummaryRow[] {
    return searchRows(this.#tables, boundedText(term), limit);
  }

  /** Rows whose id or dedup key is one of `candidates` (an id with or without its @window suffix), newest first. */
  find(candidates: string[], limit: number): FoundRow[] {
    return findRows(this.#tables, candidates, { limit, withDetail: true });
  }

  /** Retention: every day table before `keepFromDay` goes whole. */
  drop(keepFromDay: string): string[] {
    return this.#tables.dropBefore(keepFromDay);
  }

  /**
   * The hourly check: retention (`keepFromDay`), then the size guard (fill.ts), which may drop
   * days before `dedupFromDay` when the shard is at 80 % of `limitBytes`. Says what it did,
   * what the shard occupies, and how many marks it holds only in memory.
   */
  maintain(input: { keepFromDay: string; dedupFromDay: string; limitBytes: number }): ShardFill & { dropped: string[]; unwritten: number } {
    const dropped = this.#tables.dropBefore(input.keepFromDay);
    this.#writeUnwritten();
    const fill = fitToLimit(this.#tables, this.ctx.storage.sql, input.limitBytes, input.dedupFromDay);
    return { ...fill, dropped, unwritten: this.#unwritten.size };
  }

  /** What SQLite reported this object's statements read and wrote since it started (for the cost test and bench). */
  meter(): Meter {
    return { ...this.#tables.meter };
  }

  async #waitForOthers(keys: string[], token: string): Promise<void> {
    const deadline = Date.now() + WAIT_FOR_IN_FLIGHT_MS;
    for (;;) {
      const now = Date.now();
      const others = keys.flatMap((key) => {
        const held = this.#inFlight.get(key);
        return held && held.token !== token && held.expires > now ? [held.settled] : [];
      });
      if (others.length === 0 || now >= deadline) return;
      await Promise.race([Promise.all(others), scheduler.wait(deadline - now)]);
    }
  }

  #hold(key: string, token: string, now: number): void {
    let settle = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    this.#inFlight.set(key, { token, expires: now + RESERVATION_MS, settled, settle });
  }

  /** The id a key was accepted under since `sinceMs`, newest table first; marks and event rows alike. */
  #lookup(key: string, sinceMs: number): { id: string } | undefined {
    const unwritten = this.#unwritten.get(key);
    if (unwritten && unwritten.receivedAt > sinceMs) return { id: unwritten.id };
    const fromDay = dayOf(sinceMs);
    for (const kind of ["ev", "mk"] as const) {
      for (const day of this.#tables.days(kind, fromDay)) {
        const row = this.#tables.run<{ id: string; received_at: number }>(`SELECT id, received_at FROM ${kind}_${day} WHERE key = ?`, key)[0];
        if (row && row.received_at > sinceMs) return { id: row.id };
      }
    }
    return undefined;
  }

  /** The row, else its mark in a reduced row, else the mark in memory. Early outcomes for its id join it. */
  #writeRow(row: EventRow, answer: ConfirmAnswer): void {
    const early = this.#early.get(row.key);
    const deliveries = (early?.get(row.id) ?? []).reduce(applyUpdate, row.deliveries);
    early?.delete(row.id);
    if (early?.size === 0) this.#early.delete(row.key);
    try {
      insertEvent(this.#tables, row, deliveries);
      return;
    } catch (error) {
      log({ event: "ledger_row_reduced", id: row.id.slice(0, 200), error: errorText(error) });
    }
    answer.markOnly++;
    this.#writeOrKeep(row, () => insertEvent(this.#tables, markOnlyRow(row), deliveries), answer);
  }

  #writeOrKeep(mark: { key: string; id: string; receivedAt: number }, write: () => void, answer: ConfirmAnswer): void {
    try {
      write();
    } catch (error) {
      answer.unwritten++;
      log({ event: "ledger_mark_unwritten", id: mark.id.slice(0, 200), error: errorText(error) });
      this.#unwritten.set(mark.key, { id: mark.id, receivedAt: mark.receivedAt, write });
    }
  }

  /** Marks kept in memory, written now if the shard can (oldest first); those it still cannot stay. */
  #writeUnwritten(): void {
    for (const [key, kept] of this.#unwritten) {
      try {
        kept.write();
        this.#unwritten.delete(key);
      } catch {
        return;
      }
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : "unknown";
}
