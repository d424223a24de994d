import type { GatewayConfig } from "../config/schema";
import type { Attempt } from "../delivery/message";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { log } from "../log";
import { countUnrecorded, metricStatements } from "./metrics";
import type { RequestOutcome, RouteState } from "./schema";

/** Envelopes larger than this live in STATE KV (where large envelopes already go), not in the row. */
const MAX_ENVELOPE_IN_ROW_BYTES = 96 * 1024;
/** A D1 that hangs must not hold an invocation: the write is abandoned after this. */
const WRITE_TIMEOUT_MS = 5_000;
/** An update can reach D1 before the insert it updates (two invocations); it is tried once more after this. */
const LATE_ROW_RETRY_MS = 2_000;

export interface RequestAnswered {
  requestId: string;
  source: string;
  at: Date;
  outcome: RequestOutcome;
  /** Envelope ids this request delivered for the first time, and those it repeated. */
  accepted: string[];
  duplicates: string[];
  deadLetterId?: string;
}

interface PendingEvent {
  envelope: Envelope;
  routeIds: string[];
  requests: { requestId: string; at: string; outcome: RequestOutcome }[];
}

interface Write {
  statement: D1PreparedStatement;
  /** An update of a row another invocation inserts: worth one more try when it changed nothing. */
  needsRow: boolean;
}

/**
 * An envelope accepted again (a replay to the routes that match it now, a notification seen
 * again after its dedup window) keeps its row: its new requests are appended and new routes
 * join as pending, while routes it already has keep their state.
 *
 * What one invocation records, written as one D1 batch when it ends (`flush`). Recording is a
 * side effect at a few points (envelopes accepted, request answered, attempt made); it never
 * throws, never delays an answer (flush runs in `waitUntil`), and a D1 that fails or hangs costs
 * the rows of this batch, counted and logged once.
 */
export class EventLog {
  readonly #db: D1Database | undefined;
  readonly #events = new Map<string, PendingEvent>();
  readonly #writes: Write[] = [];

  private constructor(db: D1Database | undefined) {
    this.#db = db;
  }

  static for(env: Bindings, config: GatewayConfig): EventLog {
    return new EventLog(config.eventLog.enabled ? env.EVENTS : undefined);
  }

  get enabled(): boolean {
    return this.#db !== undefined;
  }

  envelopesAccepted(accepted: { envelope: Envelope; routeIds: string[] }[]): void {
    if (!this.#db) return;
    for (const { envelope, routeIds } of accepted) this.#events.set(envelope.id, { envelope, routeIds, requests: [] });
  }

  /** An authenticated request's outcome; refusals are only counted (metrics). */
  requestAnswered(answer: RequestAnswered): void {
    const db = this.#db;
    if (!db) return;
    const at = answer.at.toISOString();
    for (const id of answer.accepted) this.#events.get(id)?.requests.push({ requestId: answer.requestId, at, outcome: "accepted" });
    for (const id of answer.duplicates) {
      const request = JSON.stringify({ requestId: answer.requestId, at, outcome: "duplicate" });
      this.#writes.push({
        statement: db.prepare("UPDATE events SET requests = json_insert(requests, '$[#]', json(?1)) WHERE id = ?2").bind(request, id),
        needsRow: true,
      });
    }
    if (answer.accepted.length === 0 && answer.duplicates.length === 0) {
      this.#writes.push({
        statement: db
          .prepare("INSERT INTO requests (request_id, source, at, outcome, envelope_ids, dead_letter_id) VALUES (?1, ?2, ?3, ?4, '[]', ?5)")
          .bind(answer.requestId, answer.source, answer.at.getTime(), answer.outcome, answer.deadLetterId ?? null),
        needsRow: false,
      });
    }
  }

  /** A route's state after a message was settled, with the attempt made, if one was. */
  settled(envelopeId: string, routeId: string, state: RouteState, attempt?: Attempt): void {
    this.#routeState(envelopeId, routeId, state, attempt);
  }

  /** Routes sent the envelope again (redeliver, replay): pending until the consumer says otherwise. */
  redelivering(envelopeId: string, routeIds: string[]): void {
    for (const routeId of routeIds) this.#routeState(envelopeId, routeId, "pending");
  }

  /**
   * One statement keeps a route's entry and the envelope's counters in step, whatever order
   * attempts of different routes arrive in: SET expressions read the row as it was.
   */
  #routeState(envelopeId: string, routeId: string, state: RouteState, attempt?: Attempt): void {
    const db = this.#db;
    if (!db) return;
    const path = `$.${JSON.stringify(routeId)}`;
    const entry = 'coalesce(json_extract(deliveries, ?1), json(\'{"state":"pending","attempts":[]}\'))';
    const appended = attempt ? `json_insert(${entry}, '$.attempts[#]', json(?4))` : entry;
    const sql = `UPDATE events SET
      deliveries = json_set(deliveries, ?1, json_set(${appended}, '$.state', ?2)),
      routes_total = routes_total + (json_extract(deliveries, ?1) IS NULL),
      routes_delivered = routes_delivered + (?2 = 'delivered') - (coalesce(json_extract(deliveries, ?1 || '.state'), '') = 'delivered'),
      routes_dead = routes_dead + (?2 = 'dead') - (coalesce(json_extract(deliveries, ?1 || '.state'), '') = 'dead')
      WHERE id = ?3`;
    const params: unknown[] = [path, state, envelopeId];
    if (attempt) params.push(JSON.stringify(attempt));
    this.#writes.push({ statement: db.prepare(sql).bind(...params), needsRow: true });
  }

  /** Writes what was recorded (and the isolate's counters when due) in one batch. Never throws. */
  async flush(now: Date = new Date()): Promise<void> {
    const db = this.#db;
    if (!db) return;
    const inserts = [...this.#events.values()].map((pending) => insertEvent(db, pending));
    const writes = [
      ...inserts.map((statement) => ({ statement, needsRow: false })),
      ...this.#writes,
      ...metricStatements(db, now).map((statement) => ({ statement, needsRow: false })),
    ];
    this.#events.clear();
    this.#writes.length = 0;
    if (writes.length === 0) return;
    const late = await runBatch(db, writes);
    if (late.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, LATE_ROW_RETRY_MS));
    const lost = await runBatch(db, late);
    // Still no row: the envelope was never recorded (D1 failed then, or the log was off).
    if (lost.length > 0) countUnrecorded(lost.length);
  }
}

function insertEvent(db: D1Database, { envelope, routeIds, requests }: PendingEvent): D1PreparedStatement {
  const json = JSON.stringify(envelope);
  const inRow = json.length <= MAX_ENVELOPE_IN_ROW_BYTES ? json : null;
  const deliveries = Object.fromEntries(routeIds.map((id) => [id, { state: "pending", attempts: [] }]));
  return db
    .prepare(
      `INSERT INTO events (id, source, type, subject, time, received_at, envelope, requests, deliveries, routes_total)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
       ON CONFLICT (id) DO UPDATE SET
         requests = (SELECT json_group_array(json(value)) FROM (SELECT value FROM json_each(events.requests) UNION ALL SELECT value FROM json_each(excluded.requests))),
         deliveries = json_patch(excluded.deliveries, events.deliveries),
         routes_total = (SELECT count(*) FROM json_each(json_patch(excluded.deliveries, events.deliveries)))`,
    )
    .bind(
      envelope.id,
      // "/hooks/pix" → "pix"; the gateway's own "/hookgate" → "hookgate", the name routes filter on.
      envelope.source.replace(/^\/(hooks\/)?/, ""),
      envelope.type,
      envelope.subject ?? null,
      envelope.time,
      Date.parse(envelope.receivedat),
      inRow,
      JSON.stringify(requests),
      JSON.stringify(deliveries),
      routeIds.length,
    );
}

/** Runs the batch; answers the updates that found no row yet. A failure is counted and logged once. */
async function runBatch(db: D1Database, writes: Write[]): Promise<Write[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from D1 within ${WRITE_TIMEOUT_MS} ms`)), WRITE_TIMEOUT_MS);
    });
    const results = await Promise.race([db.batch(writes.map((w) => w.statement)), timeout]);
    return writes.filter((w, i) => w.needsRow && (results[i]?.meta.changes ?? 0) === 0);
  } catch (error) {
    countUnrecorded(writes.length);
    log({ event: "event_log_write_failed", statements: writes.length, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    return [];
  } finally {
    clearTimeout(timer);
  }
}
