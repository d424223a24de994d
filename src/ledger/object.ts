import { DurableObject } from "cloudflare:workers";
import { log } from "../log";
import { applyUpdate, type EventRow, eventState, type MarkRow, mergeAccepted, parseJson, type RouteUpdate } from "./rows";
import { type FoundRow, findRows, listRows, type ShardPage, type ShardQuery } from "./scan";
import type { EventRequest } from "./schema";
import { DayTables, dayOf, type Meter } from "./tables";

/** Per key, what a reservation found: fresh (reserved for the caller), seen under an id, or busy (another request holds it). */
export type Verdict = { fresh: true } | { seen: string } | { busy: true };

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
/** Requests a row's timeline keeps: the first and its providers' retries, bounded against a replayed request. */
export const MAX_TIMELINE_REQUESTS = 100;
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
  /** Route updates that came before their row was confirmed (the consumer can be that quick). */
  readonly #early = new Map<string, RouteUpdate[]>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#tables = new DayTables(ctx.storage.sql);
  }

  async reserve(input: ReserveInput): Promise<Verdict[]> {
    await this.#waitForOthers(input.keys, input.token);
    const now = Date.now();
    const since = (input.now ?? now) - input.ttlSeconds * 1000;
    const verdicts = input.keys.map((key): Verdict => {
      const held = this.#inFlight.get(key);
      if (held && held.expires > now && held.token !== input.token) return { busy: true };
      const found = this.#lookup(key, since);
      return found ? { seen: found.id } : { fresh: true };
    });
    // A batch is never half-accepted: with a key busy, this shard marks nothing.
    if (verdicts.some((v) => "busy" in v)) return verdicts;
    input.keys.forEach((key, i) => {
      const verdict = verdicts[i]!;
      if ("fresh" in verdict) this.#hold(key, input.token, now);
      else if ("seen" in verdict && input.line) this.#appendLine(key, since, { ...input.line, outcome: "duplicate" });
    });
    return verdicts;
  }

  /** For each key, the id it was accepted under within the window (no mark made): a previous shard count's shard. */
  seen(keys: string[], ttlSeconds: number, now = Date.now()): (string | null)[] {
    const since = now - ttlSeconds * 1000;
    return keys.map((key) => this.#lookup(key, since)?.id ?? null);
  }

  confirm(input: ConfirmInput): void {
    for (const row of input.events ?? []) this.#insertEvent(row);
    for (const mark of input.marks ?? []) {
      const table = this.#tables.table("mk", dayOf(mark.receivedAt));
      this.#tables.run(
        `INSERT INTO ${table} (key, id, received_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET id = excluded.id, received_at = excluded.received_at`,
        mark.key,
        mark.id,
        mark.receivedAt,
      );
    }
    const keys = [...(input.events ?? []), ...(input.marks ?? [])].map((r) => r.key);
    if (input.token !== undefined) this.release([...keys, ...(input.release ?? [])], input.token);
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
      else if (held) {
        this.#early.set(first.key, [...(this.#early.get(first.key) ?? []), ...group]);
        continue;
      }
      const row = findRows(this.#tables, [first.key, first.id], { exactId: first.id, dayHint: first.receivedAt, limit: 1, withDetail: false })[0];
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

  /** Rows whose id or dedup key is one of `candidates` (an id with or without its @window suffix), newest first. */
  find(candidates: string[], limit: number): FoundRow[] {
    return findRows(this.#tables, candidates, { limit, withDetail: true });
  }

  /** Retention: every day table before `keepFromDay` goes whole. */
  drop(keepFromDay: string): string[] {
    return this.#tables.dropBefore(keepFromDay);
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
    const fromDay = dayOf(sinceMs);
    for (const kind of ["ev", "mk"] as const) {
      for (const day of this.#tables.days(kind, fromDay)) {
        const row = this.#tables.run<{ id: string; received_at: number }>(`SELECT id, received_at FROM ${kind}_${day} WHERE key = ?`, key)[0];
        if (row && row.received_at > sinceMs) return { id: row.id };
      }
    }
    return undefined;
  }

  /**
   * A duplicate's line in the first request's timeline, up to MAX_TIMELINE_REQUESTS lines (a
   * replayed request cannot grow a row without bound); past that the duplicate is answered, not
   * recorded. Never fails the reserve it is part of.
   */
  #appendLine(key: string, sinceMs: number, line: EventRequest): void {
    try {
      for (const day of this.#tables.days("ev", dayOf(sinceMs))) {
        const found = this.#tables.run<{ seq: number; lines: number }>(`SELECT seq, json_array_length(requests) AS lines FROM ev_${day} WHERE key = ?`, key)[0];
        if (!found) continue;
        if (found.lines < MAX_TIMELINE_REQUESTS) {
          this.#tables.run(`UPDATE ev_${day} SET requests = json_insert(requests, '$[#]', json(?)) WHERE seq = ?`, JSON.stringify(line), found.seq);
        }
        return;
      }
    } catch (error) {
      log({ event: "ledger_line_not_recorded", error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    }
  }

  #insertEvent(row: EventRow): void {
    const table = this.#tables.table("ev", dayOf(row.receivedAt));
    const deliveries = (this.#early.get(row.key) ?? []).reduce(applyUpdate, row.deliveries);
    this.#early.delete(row.key);
    const existing = this.#tables.run<{ seq: number; id: string; requests: string; deliveries: string }>(
      `SELECT seq, id, requests, deliveries FROM ${table} WHERE key = ?`,
      row.key,
    )[0];
    if (existing && existing.id === row.id) {
      const merged = mergeAccepted(
        { requests: parseJson(existing.requests, []), deliveries: parseJson(existing.deliveries, {}) },
        { requests: row.requests, deliveries },
      );
      this.#tables.run(
        `UPDATE ${table} SET requests = ?, deliveries = ?, state = ? WHERE seq = ?`,
        JSON.stringify(merged.requests),
        JSON.stringify(merged.deliveries),
        eventState(merged.deliveries),
        existing.seq,
      );
      return;
    }
    // A recurring notification's next occurrence the same day: the earlier one keeps its own id as its key.
    if (existing) this.#tables.run(`UPDATE ${table} SET key = id WHERE seq = ?`, existing.seq);
    this.#tables.run(
      `INSERT INTO ${table} (key, id, source, type, subject, time, received_at, state, envelope, requests, deliveries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.key,
      row.id,
      row.source,
      row.type,
      row.subject,
      row.time,
      row.receivedAt,
      eventState(deliveries),
      row.envelope,
      JSON.stringify(row.requests),
      JSON.stringify(deliveries),
    );
  }
}
