import type { GatewayConfig } from "../config/schema";
import type { Attempt } from "../delivery/message";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { log } from "../log";
import { count, countUnrecorded, metricStatements } from "./metrics";
import type { DeliveryAction, RequestOutcome, RouteState } from "./schema";

/** Envelopes larger than this live in STATE KV (where large envelopes already go), not in the row. */
const MAX_ENVELOPE_IN_ROW_BYTES = 96 * 1024;
/** A D1 that hangs must not hold an invocation: the write is abandoned after this. */
const WRITE_TIMEOUT_MS = 5_000;

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

/**
 * An accepted envelope, the routes it was queued for, and those whose events and sources matched
 * but whose filter did not: recorded `filtered`, never delivered.
 */
export interface AcceptedEnvelope {
  envelope: Envelope;
  routeIds: string[];
  filteredRouteIds: string[];
}

interface PendingEvent {
  envelope: Envelope;
  deliveries: Record<string, { state: RouteState; attempts: Attempt[] }>;
  requests: { requestId: string; at: string; outcome: RequestOutcome }[];
}

/**
 * What one invocation records, written as one D1 batch when it ends (`flush`). Recording is a
 * side effect at a few points (envelopes accepted, request answered, attempt made); it never
 * throws, never delays an answer (flush runs in `waitUntil`), and a D1 that fails or hangs costs
 * the rows of this batch, counted and logged once.
 *
 * Ingest and the consumer are different invocations, and the consumer's write can reach D1
 * first: both write the event's row as an upsert, so whichever comes second merges into it.
 * An envelope accepted again (a replay, a notification seen again after its dedup window)
 * keeps its row: new requests are appended, new routes join, routes it had keep their state.
 */
export class EventLog {
  readonly #db: D1Database | undefined;
  readonly #events = new Map<string, PendingEvent>();
  readonly #writes: D1PreparedStatement[] = [];

  readonly #flushMs: number;

  private constructor(db: D1Database | undefined, flushMs: number) {
    this.#db = db;
    this.#flushMs = flushMs;
  }

  static for(env: Bindings, config: GatewayConfig): EventLog {
    const flushMs = Number(env.EVENT_LOG_FLUSH_MS ?? DEFAULT_FLUSH_MS);
    return new EventLog(
      config.eventLog.enabled ? env.EVENTS : undefined,
      Number.isFinite(flushMs) && flushMs >= 0 ? Math.min(flushMs, 10_000) : DEFAULT_FLUSH_MS,
    );
  }

  envelopesAccepted(accepted: AcceptedEnvelope[]): void {
    for (const { filteredRouteIds } of accepted) for (const id of filteredRouteIds) count("delivery", id, "filtered", Date.now());
    if (!this.#db) return;
    for (const { envelope, routeIds, filteredRouteIds } of accepted) {
      const deliveries: PendingEvent["deliveries"] = Object.fromEntries(routeIds.map((id) => [id, { state: "pending" as const, attempts: [] }]));
      for (const id of filteredRouteIds) deliveries[id] = { state: "filtered", attempts: [] };
      this.#events.set(envelope.id, { envelope, deliveries, requests: [] });
    }
  }

  /** An authenticated request's outcome; refusals are only counted (metrics). */
  requestAnswered(answer: RequestAnswered): void {
    const db = this.#db;
    if (!db) return;
    const at = answer.at.toISOString();
    for (const id of answer.accepted) this.#events.get(id)?.requests.push({ requestId: answer.requestId, at, outcome: "accepted" });
    // A provider's retry of an envelope recorded earlier. (Should it race the first request's
    // own write, which is milliseconds ahead, the retry goes unrecorded; the outcome is counted.)
    // One statement however many envelopes the request repeated (a Pix batch retried whole).
    if (answer.duplicates.length > 0) {
      const request = JSON.stringify({ requestId: answer.requestId, at, outcome: "duplicate" });
      this.#writes.push(
        db
          .prepare("UPDATE events SET requests = json_insert(requests, '$[#]', json(?1)) WHERE id IN (SELECT value FROM json_each(?2))")
          .bind(request, JSON.stringify(answer.duplicates)),
      );
    }
    if (answer.accepted.length === 0 && answer.duplicates.length === 0) {
      this.#writes.push(
        db
          .prepare("INSERT INTO requests (request_id, source, at, outcome, dead_letter_id) VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(answer.requestId, answer.source, answer.at.getTime(), answer.outcome, answer.deadLetterId ?? null),
      );
    }
  }

  /**
   * A route's state after a message was settled, with the attempt made, if one was. With the
   * envelope at hand the row is created if ingest's write has not landed yet.
   */
  settled(envelopeId: string, routeId: string, state: RouteState, attempt?: Attempt, envelope?: Envelope): void {
    const db = this.#db;
    if (!db) return;
    const path = `$.${JSON.stringify(routeId)}`;
    const entry = 'coalesce(json_extract(deliveries, ?1), json(\'{"state":"pending","attempts":[]}\'))';
    const appended = `CASE WHEN ?4 IS NULL THEN ${entry} ELSE json_insert(${entry}, '$.attempts[#]', json(?4)) END`;
    // SET expressions read the row as it was: the counters move with the route's old state.
    const update = `deliveries = json_set(deliveries, ?1, json_set(${appended}, '$.state', ?2)),
      routes_total = routes_total + (json_extract(deliveries, ?1) IS NULL),
      routes_delivered = routes_delivered + (?2 = 'delivered') - (coalesce(json_extract(deliveries, ?1 || '.state'), '') = 'delivered'),
      routes_dead = routes_dead + (?2 = 'dead') - (coalesce(json_extract(deliveries, ?1 || '.state'), '') = 'dead'),
      routes_filtered = routes_filtered + (?2 = 'filtered') - (coalesce(json_extract(deliveries, ?1 || '.state'), '') = 'filtered')`;
    const attemptJson = attempt ? JSON.stringify(attempt) : null;
    if (!envelope) {
      this.#writes.push(db.prepare(`UPDATE events SET ${update} WHERE id = ?3`).bind(path, state, envelopeId, attemptJson));
      return;
    }
    const row = eventRow({ envelope, deliveries: { [routeId]: { state, attempts: attempt ? [attempt] : [] } }, requests: [] });
    this.#writes.push(
      db
        .prepare(`INSERT INTO events (${ROW_COLUMNS}) VALUES (${ROW_VALUES_AFTER_UPDATE})
          ON CONFLICT (id) DO UPDATE SET ${update}`)
        .bind(path, state, envelopeId, attemptJson, ...row),
    );
  }

  /**
   * Routes sent the envelope again (redeliver, replay): pending until the consumer says
   * otherwise, with the operator's action on the route's timeline.
   */
  redelivering(envelopeId: string, routeIds: string[], action: DeliveryAction["action"] = "redelivered", at: Date = new Date()): void {
    const db = this.#db;
    if (!db) return;
    const entry = JSON.stringify({ at: at.toISOString(), action });
    for (const routeId of routeIds) {
      this.settled(envelopeId, routeId, "pending");
      this.#writes.push(
        db
          .prepare(
            "UPDATE events SET deliveries = json_set(deliveries, ?1, json_insert(coalesce(json_extract(deliveries, ?1), json('[]')), '$[#]', json(?2))) WHERE id = ?3",
          )
          .bind(`$.${JSON.stringify(routeId)}.actions`, entry, envelopeId),
      );
    }
  }

  /**
   * Hands what was recorded to the isolate's buffer and, when this call is the one that opened
   * the buffer, writes it (with the isolate's counters when due) as one batch `flushMs` later:
   * the requests of that window share one D1 write. A full buffer is written at once. The
   * invocation that waits keeps its `waitUntil` open for the window. Never throws.
   */
  async flush(now: Date = new Date()): Promise<void> {
    const db = this.#db;
    if (!db) return;
    const statements = [...insertEvents(db, [...this.#events.values()]), ...this.#writes];
    this.#events.clear();
    this.#writes.length = 0;
    let buffer = buffers.get(db);
    const opens = buffer === undefined;
    if (!buffer) {
      buffer = [];
      buffers.set(db, buffer);
    }
    buffer.push(...statements);
    if (buffer.length >= MAX_BUFFERED_STATEMENTS) return writeBuffer(db, now);
    if (!opens) return;
    if (this.#flushMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#flushMs));
    await writeBuffer(db, now);
  }
}

/** How long an isolate gathers records before writing them (EVENT_LOG_FLUSH_MS overrides; 0 writes at once). */
const DEFAULT_FLUSH_MS = 1_000;
/** Far inside D1's 1,000 queries an invocation, whatever one request adds. */
const MAX_BUFFERED_STATEMENTS = 200;
/** Envelopes bound into one insert statement: D1 strings hold 2 MB; a quarter of it leaves room. */
const MAX_INSERT_JSON_BYTES = 512 * 1024;

const buffers = new Map<D1Database, D1PreparedStatement[]>();

async function writeBuffer(db: D1Database, now: Date): Promise<void> {
  const statements = buffers.get(db) ?? [];
  buffers.delete(db);
  const metrics = metricStatements(db, now);
  statements.push(...metrics.statements);
  // Counters of a refused write go with the next one; of one that timed out, no: it may still land.
  if (statements.length > 0 && (await runBatch(db, statements)) === "refused") metrics.restore();
}

/** Every pending event in as few statements as fit: rows travel as one JSON array each. */
function insertEvents(db: D1Database, events: PendingEvent[]): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const close = () => {
    if (chunk.length === 0) return;
    statements.push(db.prepare(INSERT_EVENTS).bind(`[${chunk.join(",")}]`));
    chunk = [];
    bytes = 0;
  };
  for (const pending of events) {
    const row = JSON.stringify(eventRow(pending));
    if (bytes + row.length > MAX_INSERT_JSON_BYTES) close();
    chunk.push(row);
    bytes += row.length;
  }
  close();
  return statements;
}

const ROW_COLUMNS =
  "id, source, type, subject, time, received_at, envelope, requests, deliveries, routes_total, routes_delivered, routes_dead, routes_filtered";
/** The same row bound after the four parameters of a route's update. */
const ROW_VALUES_AFTER_UPDATE = "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17";

/** Rows as a JSON array of arrays in ?1, in ROW_COLUMNS order (`WHERE true` lets SQLite parse the upsert). */
const INSERT_EVENTS = `INSERT INTO events (${ROW_COLUMNS})
  SELECT ${ROW_COLUMNS.split(", ")
    .map((_, i) => `json_extract(value, '$[${i}]')`)
    .join(", ")}
  FROM json_each(?1) WHERE true
  ON CONFLICT (id) DO UPDATE SET
    requests = (SELECT json_group_array(json(value)) FROM (SELECT value FROM json_each(events.requests) UNION ALL SELECT value FROM json_each(excluded.requests))),
    deliveries = json_patch(excluded.deliveries, events.deliveries),
    routes_total = (SELECT count(*) FROM json_each(json_patch(excluded.deliveries, events.deliveries))),
    routes_filtered = (SELECT count(*) FROM json_each(json_patch(excluded.deliveries, events.deliveries)) WHERE json_extract(value, '$.state') = 'filtered')`;

function eventRow({ envelope, deliveries, requests }: PendingEvent): unknown[] {
  const json = JSON.stringify(envelope);
  const states = Object.values(deliveries).map((d) => d.state);
  return [
    envelope.id,
    // "/hooks/pix" → "pix"; the gateway's own "/hookgate" → "hookgate", the name routes filter on.
    envelope.source.replace(/^\/(hooks\/)?/, ""),
    envelope.type,
    envelope.subject ?? null,
    envelope.time,
    Date.parse(envelope.receivedat),
    json.length <= MAX_ENVELOPE_IN_ROW_BYTES ? json : null,
    JSON.stringify(requests),
    JSON.stringify(deliveries),
    states.length,
    states.filter((s) => s === "delivered").length,
    states.filter((s) => s === "dead").length,
    states.filter((s) => s === "filtered").length,
  ];
}

/** One batch, bounded in time. A failure is counted and logged once, for all its rows. */
/** Whether D1 took the batch, refused it, or did not answer in time. */
async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<"written" | "refused" | "timed_out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Error(`no answer from D1 within ${WRITE_TIMEOUT_MS} ms`);
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), WRITE_TIMEOUT_MS);
    });
    await Promise.race([db.batch(statements), timeout]);
    return "written";
  } catch (error) {
    countUnrecorded(statements.length);
    log({ event: "event_log_write_failed", statements: statements.length, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    return error === timedOut ? "timed_out" : "refused";
  } finally {
    clearTimeout(timer);
  }
}
