import { DurableObject } from "cloudflare:workers";
import { type Decision, decide } from "./decide";
import { pauseRoute, resumeRoute, settle } from "./settle";
import { type Ask, type Change, FRESH_ROUTE, freshKey, type KeyState, type Result, type RouteState, type Settings } from "./state";

/** A key idle (everything delivered) this long is forgotten; its numbers then start again at 1. */
const IDLE_KEY_MS = 30 * 86_400_000;
const SWEEP_EVERY_MS = 86_400_000;

/** What every answer carries: the route's state, and the SQLite rows the call wrote (for the cost table). */
export interface Answer {
  state: RouteState;
  rowsWritten: number;
}

/**
 * One route's governor (docs/delivery.md, "Governed delivery"): its mode (active, paused by the
 * operator, open by the breaker), the breaker's count, the rate limit's next slot and
 * concurrency leases, and each ordering key's numbers, in SQLite storage. A Durable Object
 * runs one call at a time, so every consumer invocation and every ingest sees one truth.
 * The decisions are pure functions (./decide.ts, ./settle.ts) given the caller's `now`.
 */
export class RouteGovernor extends DurableObject {
  #state: RouteState;
  #written = 0;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    // WITHOUT ROWID: a row written is one row billed, not a row and its primary key's index entry.
    sql.exec(
      "CREATE TABLE IF NOT EXISTS route (one INTEGER PRIMARY KEY CHECK (one = 1), state TEXT NOT NULL);" +
        "CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, last INTEGER NOT NULL, done INTEGER NOT NULL, head_due INTEGER NOT NULL) WITHOUT ROWID;" +
        "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;" +
        "CREATE TABLE IF NOT EXISTS skipped (key TEXT NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID",
    );
    const row = sql.exec<{ state: string }>("SELECT state FROM route").toArray()[0];
    this.#state = row ? { ...FRESH_ROUTE, ...(JSON.parse(row.state) as Partial<RouteState>) } : { ...FRESH_ROUTE };
  }

  read(): Answer {
    return this.#answer();
  }

  /** At acceptance, for an ordered route: the next number of each key value, in the order given. */
  assign(keyValues: string[], now: number): { numbers: number[]; rowsWritten: number } {
    this.#written = 0;
    const keys = this.#loadKeys(keyValues, now);
    const numbers = keyValues.map((name) => {
      const key = keys.get(name)!;
      if (key.last === key.done) key.headDue = now;
      key.last += 1;
      return key.last;
    });
    this.#storeKeys(keys.values());
    void this.#scheduleSweep(now);
    return { numbers, rowsWritten: this.#written };
  }

  /** One consumer batch's messages for this route: a verdict each. */
  decide(settings: Settings, asks: Ask[], now: number): Answer & Pick<Decision, "verdicts"> {
    this.#written = 0;
    const sql = this.ctx.storage.sql;
    const names = [...new Set(asks.flatMap((a) => (a.sequence ? [a.sequence.key] : [])))];
    const keys = this.#loadKeys(names, now, false);
    const skippedBefore = new Set<string>();
    for (const ask of asks) {
      const s = ask.sequence;
      if (!s || s.n > (keys.get(s.key)?.done ?? 0)) continue;
      if (sql.exec("SELECT 1 FROM skipped WHERE key = ? AND n = ?", s.key, s.n).toArray().length > 0) skippedBefore.add(`${s.key}\u0000${s.n}`);
    }
    const leases = settings.rateLimit?.concurrency === undefined ? 0 : this.#activeLeases(now);
    const decision = decide({ state: this.#state, keys, leases, skippedBefore, settings, asks, now });
    for (const id of decision.leased) this.#exec("INSERT OR REPLACE INTO leases (id, until) VALUES (?, ?)", id, now + 60_000);
    for (const s of decision.skipped) this.#exec("INSERT OR IGNORE INTO skipped (key, n, at) VALUES (?, ?, ?)", s.key, s.n, now);
    this.#storeKeys(changed(keys, decision.keys));
    this.#storeState(decision.state);
    return { ...this.#answer(), verdicts: decision.verdicts };
  }

  /** What the batch's attempts came to: the breaker's count, the keys' progress, leases back. */
  report(settings: Settings, results: Result[], now: number): Answer & { changes: Change[] } {
    this.#written = 0;
    for (const r of results) if (settings.rateLimit?.concurrency !== undefined) this.#exec("DELETE FROM leases WHERE id = ?", r.id);
    const names = [...new Set(results.flatMap((r) => (r.sequence ? [r.sequence.key] : [])))];
    const keys = this.#loadKeys(names, now, false);
    const settled = settle({ state: this.#state, keys, settings, results, now });
    this.#storeKeys(changed(keys, settled.keys));
    this.#storeState(settled.state);
    return { ...this.#answer(), changes: settled.changes };
  }

  pause(now: number, reason: string): Answer & { change?: Change } {
    this.#written = 0;
    const { state, change } = pauseRoute(this.#state, now, reason);
    this.#storeState(state);
    return { ...this.#answer(), ...(change && { change }) };
  }

  resume(now: number): Answer & { change?: Change } {
    this.#written = 0;
    const { state, change } = resumeRoute(this.#state, now);
    this.#storeState(state);
    return { ...this.#answer(), ...(change && { change }) };
  }

  /** Once a day: forget keys idle for 30 days and what was skipped as long ago. */
  override async alarm(): Promise<void> {
    const before = Date.now() - IDLE_KEY_MS;
    this.ctx.storage.sql.exec("DELETE FROM keys WHERE done = last AND head_due < ?", before);
    this.ctx.storage.sql.exec("DELETE FROM skipped WHERE at < ?", before);
    this.ctx.storage.sql.exec("DELETE FROM leases WHERE until < ?", Date.now());
    if (this.ctx.storage.sql.exec("SELECT 1 FROM keys LIMIT 1").toArray().length > 0) await this.ctx.storage.setAlarm(Date.now() + SWEEP_EVERY_MS);
  }

  async #scheduleSweep(now: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + SWEEP_EVERY_MS);
  }

  #answer(): Answer {
    return { state: this.#state, rowsWritten: this.#written };
  }

  #exec(query: string, ...bindings: unknown[]): void {
    this.#written += this.ctx.storage.sql.exec(query, ...bindings).rowsWritten;
  }

  #activeLeases(now: number): number {
    this.#exec("DELETE FROM leases WHERE until <= ?", now);
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM leases").one().n;
  }

  #loadKeys(names: string[], now: number, create = true): Map<string, KeyState> {
    const keys = new Map<string, KeyState>();
    for (const name of names) {
      const row = this.ctx.storage.sql
        .exec<{ last: number; done: number; head_due: number }>("SELECT last, done, head_due FROM keys WHERE key = ?", name)
        .toArray()[0];
      if (row) keys.set(name, { key: name, last: row.last, done: row.done, headDue: row.head_due });
      else if (create) keys.set(name, freshKey(name, now));
    }
    return keys;
  }

  #storeKeys(keys: Iterable<KeyState>): void {
    for (const k of keys) {
      this.#exec(
        "INSERT INTO keys (key, last, done, head_due) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET last = excluded.last, done = excluded.done, head_due = excluded.head_due",
        k.key,
        k.last,
        k.done,
        k.headDue,
      );
    }
  }

  #storeState(state: RouteState): void {
    if (JSON.stringify(state) === JSON.stringify(this.#state)) return;
    this.#state = state;
    this.#exec("INSERT INTO route (one, state) VALUES (1, ?) ON CONFLICT (one) DO UPDATE SET state = excluded.state", JSON.stringify(state));
  }
}

/** The keys whose state differs from what was read (a key decide() made up is new, so it differs). */
function changed(before: Map<string, KeyState>, after: Map<string, KeyState>): KeyState[] {
  return [...after.values()].filter((k) => JSON.stringify(before.get(k.key)) !== JSON.stringify(k));
}
