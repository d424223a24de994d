import { DurableObject } from "cloudflare:workers";
import { log } from "../../log";
import { type Decision, decide, GAP_MS } from "./decide";
import { KEY_DAYS_KEPT, KeyDays } from "./key-days";
import { PARKED_SCHEMA, ParkedRows, type ParkItem } from "./parked";
import { MAX_HELD_MS, type Released, releaseFrom, type Waiting, waitingOf } from "./release-rows";
import { pauseRoute, resumeRoute, settle } from "./settle";
import { governorAddress } from "./shards";
import { type Ask, type Change, FRESH_ROUTE, type KeyState, type Result, type RouteState, type Settings } from "./state";

const SWEEP_EVERY_MS = 86_400_000;

/** What every answer carries: the route's state, and the SQLite rows the call wrote (for the cost table). */
export interface Answer {
  state: RouteState;
  rowsWritten: number;
  /** Messages parked now. */
  parked: number;
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
  readonly #parked: ParkedRows;
  readonly #keys: KeyDays;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    // WITHOUT ROWID: a row written is one row billed, not a row and its primary key's index entry.
    sql.exec(
      "CREATE TABLE IF NOT EXISTS route (one INTEGER PRIMARY KEY CHECK (one = 1), state TEXT NOT NULL);" +
        "CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, until INTEGER NOT NULL) WITHOUT ROWID;" +
        "CREATE TABLE IF NOT EXISTS skipped (key TEXT NOT NULL, n INTEGER NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID;" +
        PARKED_SCHEMA,
    );
    const written = (rows: number) => {
      this.#written += rows;
    };
    // Before ParkedRows: its queries read the keys' view.
    this.#keys = new KeyDays(sql, written);
    this.#parked = new ParkedRows(sql, written);
    const row = sql.exec<{ state: string }>("SELECT state FROM route").toArray()[0];
    this.#state = row ? { ...FRESH_ROUTE, ...(JSON.parse(row.state) as Partial<RouteState>) } : { ...FRESH_ROUTE };
  }

  read(): Answer {
    return this.#answer();
  }

  /** At acceptance, for an ordered route: the next number of each key value, in the order given. */
  assign(keyValues: string[], now: number): { numbers: number[]; rowsWritten: number } {
    this.#written = 0;
    const keys = this.#keys.load([...new Set(keyValues)], now);
    const numbers = keyValues.map((name) => {
      const key = keys.get(name)!;
      if (key.last === key.done) key.headDue = now;
      key.last += 1;
      return key.last;
    });
    this.#keys.store(keys.values(), now, true);
    void this.#scheduleSweep();
    return { numbers, rowsWritten: this.#written };
  }

  /** One consumer batch's messages for this route: a verdict each. */
  decide(settings: Settings, asks: Ask[], now: number, orderOnly = false): Answer & Pick<Decision, "verdicts"> {
    this.#written = 0;
    const sql = this.ctx.storage.sql;
    const names = [...new Set(asks.flatMap((a) => (a.sequence ? [a.sequence.key] : [])))];
    const keys = this.#keys.load(names);
    const skippedBefore = new Set<string>();
    for (const ask of asks) {
      const s = ask.sequence;
      if (!s || s.n > (keys.get(s.key)?.done ?? 0)) continue;
      if (sql.exec("SELECT 1 FROM skipped WHERE key = ? AND n = ?", s.key, s.n).toArray().length > 0) skippedBefore.add(`${s.key}\u0000${s.n}`);
    }
    const leases = settings.rateLimit?.concurrency === undefined ? 0 : this.#activeLeases(now);
    const decision = decide({
      state: { ...this.#state, releasePerSecond: settings.rateLimit?.perSecond ?? 0 },
      keys,
      leases,
      skippedBefore,
      settings,
      asks,
      now,
      orderOnly,
    });
    for (const id of decision.leased) this.#exec("INSERT OR REPLACE INTO leases (id, until) VALUES (?, ?)", id, now + 60_000);
    for (const s of decision.skipped) this.#exec("INSERT OR IGNORE INTO skipped (key, n, at) VALUES (?, ?, ?)", s.key, s.n, now);
    this.#keys.store(changed(keys, decision.keys), now);
    this.#storeState(decision.state);
    return { ...this.#answer(), verdicts: decision.verdicts };
  }

  /** What the batch's attempts came to: the breaker's count, the keys' progress, leases back; and the heads now free to go. */
  report(settings: Settings, results: Result[], now: number): Answer & { changes: Change[]; released: string[] } {
    this.#written = 0;
    for (const r of results) if (settings.rateLimit?.concurrency !== undefined) this.#exec("DELETE FROM leases WHERE id = ?", r.id);
    const names = [...new Set(results.flatMap((r) => (r.sequence ? [r.sequence.key] : [])))];
    const keys = this.#keys.load(names);
    const settled = settle({ state: this.#state, keys, settings, results, now });
    const moved = changed(keys, settled.keys);
    this.#keys.store(moved, now);
    this.#storeState(settled.state);
    // A key whose head finished: the next number, if parked, goes now (its turn came).
    const heads = moved.flatMap((k) => {
      const row = this.#parked.head(k.key, k.done + 1);
      return row ? [row] : [];
    });
    this.#parked.remove(heads);
    return { ...this.#answer(), changes: settled.changes, released: heads.map((h) => h.body) };
  }

  /**
   * Stores held messages once. A message whose reason no longer holds (the route was resumed
   * meanwhile, its key's turn came, it is the designated probe) is not parked: the caller sends
   * it again in a moment. Says when a release message should come, if none is on its way.
   */
  park(items: ParkItem[], now: number, headsAtRoute: { key: string; n: number }[] = []): Answer & { parked: number; taken: boolean[]; wakeInSeconds?: number } {
    this.#written = 0;
    const state = this.#state;
    const keys = this.#keys.load([...new Set([...items.flatMap((i) => (i.sequence ? [i.sequence.key] : [])), ...headsAtRoute.map((h) => h.key)])]);
    // A key governor: these heads are parked in the route's governor (paused, open), not missing;
    // the gap rule must not give up on them while they wait there (./keyed.ts).
    const waiting = headsAtRoute.flatMap(({ key, n }) => {
      const k = keys.get(key);
      return k && k.done + 1 === n && k.headDue < now + MAX_HELD_MS ? [{ ...k, headDue: now + MAX_HELD_MS }] : [];
    });
    for (const k of waiting) keys.set(k.key, k);
    this.#keys.store(waiting, now);
    const taken = items.map((item) => {
      const holds =
        item.why === "paused"
          ? state.mode === "paused"
          : item.why === "open"
            ? state.mode === "open" && item.envelopeId !== state.probeFor
            : item.sequence !== undefined && item.sequence.n > (keys.get(item.sequence.key)?.done ?? 0) + 1;
      if (holds) this.#parked.add(item);
      return holds;
    });
    let wakeInSeconds: number | undefined;
    // While paused nothing is looked at: the resume sends a release message.
    const headMayBeMissing = (item: ParkItem) => (keys.get(item.sequence?.key ?? "")?.headDue ?? 0) <= now + GAP_MS;
    const orderParked = state.mode === "active" && items.some((item, i) => taken[i] && item.why === "order" && headMayBeMissing(item));
    if ((state.mode === "open" || orderParked) && taken.some(Boolean) && state.wakeAt <= now) {
      // While open: at the probe's time. Behind a key: when a head that never came would be given up on.
      const wakeAt = state.mode === "open" ? Math.max(state.probeAt, now + 1000) : now + GAP_MS + 1000;
      this.#storeState({ ...state, wakeAt });
      wakeInSeconds = Math.ceil((wakeAt - now) / 1000);
    }
    void this.#scheduleSweep();
    return { ...this.#answer(), taken, ...(wakeInSeconds !== undefined && { wakeInSeconds }) };
  }

  /** A release message came: the messages that can be attempted now (paced), and those parked past 14 days. */
  release(now: number, limit: number): Answer & Released {
    this.#written = 0;
    if (this.#state.mode === "active") this.#skipMissingHeads(now);
    const { state, released, expired, wakeInSeconds } = releaseFrom(this.#state, this.#parked, now, limit);
    this.#parked.remove([...released, ...expired]);
    this.#storeState(state);
    return {
      ...this.#answer(),
      bodies: released.map((r) => r.body),
      expired: expired.map((r) => r.body),
      ...(wakeInSeconds !== undefined && { wakeInSeconds }),
    };
  }

  /** Where an envelope waits in this governor, if it is parked here. */
  waiting(envelopeId: string): Waiting | undefined {
    const row = this.#parked.find(envelopeId);
    if (!row) return undefined;
    const done = row.key === null ? 0 : (this.#keys.load([row.key]).get(row.key)?.done ?? 0);
    return waitingOf(row, this.#state, done);
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

  /**
   * Once a day: drop the keys' day tables older than 30 days and forget what was skipped as long ago; and, while
   * messages are parked, a release message if none came for a day (a lost one, or a route paused
   * for two weeks whose oldest messages are dead letters now).
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const dropped = this.#keys.expire(now);
    if (dropped.length > 0) log({ event: "governor_keys_expired", governor: this.ctx.id.name, tables: dropped });
    // Skipped numbers are rare (a head that never came): a DELETE by time stays small.
    this.ctx.storage.sql.exec("DELETE FROM skipped WHERE at < ?", now - KEY_DAYS_KEPT * 86_400_000);
    this.ctx.storage.sql.exec("DELETE FROM leases WHERE until < ?", now);
    const env = this.env as { DELIVERY_RETRIES?: Queue<unknown>; DELIVERIES?: Queue<unknown> };
    const queue = env.DELIVERY_RETRIES ?? env.DELIVERIES;
    const address = this.ctx.id.name === undefined ? undefined : governorAddress(this.ctx.id.name);
    const routeId = address?.routeId ?? routeIdOf(this.#parked.oldest()?.body);
    if (this.#parked.count > 0 && routeId !== undefined && queue && this.#state.wakeAt < now - 60_000) {
      const shard = address?.shard;
      await queue.send({ v: 1, kind: "release", routeId, ...(shard !== undefined && { shard }) }, { contentType: "json" }).catch(() => undefined);
    }
    const more = this.#parked.count > 0 || this.#keys.any;
    if (more) await this.ctx.storage.setAlarm(now + SWEEP_EVERY_MS);
  }

  /** A day from now on the object's clock, which the alarm runs on (a caller's `now` may be another's). */
  async #scheduleSweep(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_EVERY_MS);
  }

  /**
   * A key whose head never came (decide.ts, GAP_MS) while later numbers are parked: the missing
   * numbers are given up on, as decide does when a later number is presented, so the first
   * parked one becomes the head and is let out.
   */
  #skipMissingHeads(now: number): void {
    const sql = this.ctx.storage.sql;
    const stuck = sql
      .exec<{ key: string; done: number; first: number; part: string }>(
        "SELECT k.key AS key, k.done AS done, min(p.n) AS first, k.part AS part FROM key_state k JOIN parked p ON p.key = k.key WHERE k.head_due < ? GROUP BY k.key HAVING min(p.n) > k.done + 1 LIMIT 100",
        now - GAP_MS,
      )
      .toArray();
    for (const { key, done, first, part } of stuck) {
      for (let n = done + 1; n < first; n++) this.#exec("INSERT OR IGNORE INTO skipped (key, n, at) VALUES (?, ?, ?)", key, n, now);
      this.#keys.advance(key, part, first - 1, now);
    }
  }

  #answer(): Answer {
    return { state: this.#state, rowsWritten: this.#written, parked: this.#parked.count };
  }

  #exec(query: string, ...bindings: unknown[]): void {
    this.#written += this.ctx.storage.sql.exec(query, ...bindings).rowsWritten;
  }

  #activeLeases(now: number): number {
    this.#exec("DELETE FROM leases WHERE until <= ?", now);
    return this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM leases").one().n;
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

/** The route a parked queue message is for. */
function routeIdOf(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  const routeId = (JSON.parse(body) as { routeId?: unknown }).routeId;
  return typeof routeId === "string" ? routeId : undefined;
}
