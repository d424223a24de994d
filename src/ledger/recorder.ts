import type { GatewayConfig } from "../config/schema";
import type { Attempt } from "../delivery/message";
import type { Bindings } from "../env";
import { dedupKeyOf, type Envelope } from "../envelope";
import { log } from "../log";
import { countUnrecorded, writeMetricsIfDue } from "../observability/metrics";
import { type LedgerContext, withTimeout } from "./claim";
import type { RouteUpdate } from "./rows";
import type { OperatorAction, RequestOutcome, RouteState } from "./schema";
import { byShard, keyOfId, shardStub } from "./shard";

/** A ledger that is slow never holds an invocation: the consumer's report is abandoned after this (and counted). */
export const REPORT_TIMEOUT_MS = 2_000;

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
 * What one invocation records besides acceptance (which the shard records in the call that
 * accepts): each route's outcome (the consumer, one call per shard per batch), an operator's
 * redeliver or replay, and the authenticated requests that carried no accepted envelope
 * (quarantined, invalid_payload, unavailable; one D1 row each, as before). Recording is a side
 * effect: `flush` runs in waitUntil, never throws, never waits on a timer, and a shard that
 * fails or is slow costs its lines, counted (`eventlog` / `unrecorded`) and logged once.
 */
export class Recorder {
  readonly #env: Bindings;
  readonly #config: GatewayConfig;
  readonly #updates: RouteUpdate[] = [];
  readonly #requests: D1PreparedStatement[] = [];
  /** The request being answered, whose line joins each envelope's timeline. */
  readonly line: LedgerContext["line"];

  private constructor(env: Bindings, config: GatewayConfig, line: LedgerContext["line"]) {
    this.#env = env;
    this.#config = config;
    this.line = line;
  }

  static for(env: Bindings, config: GatewayConfig, request?: { requestId: string; at: Date }): Recorder {
    return new Recorder(env, config, request && { requestId: request.requestId, at: request.at.toISOString() });
  }

  get enabled(): boolean {
    return this.#config.eventLog.enabled;
  }

  /** The context acceptance needs to put this request's line in the rows it writes. */
  context(): LedgerContext {
    return { env: this.#env, config: this.#config, line: this.line };
  }

  /** An authenticated request that carried no accepted envelope; the others' lines are in their rows. */
  requestAnswered(answer: RequestAnswered): void {
    const db = this.#db();
    if (!db || answer.accepted.length > 0 || answer.duplicates.length > 0) return;
    this.#requests.push(
      db
        .prepare("INSERT INTO requests (request_id, source, at, outcome, dead_letter_id) VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(answer.requestId, answer.source, answer.at.getTime(), answer.outcome, answer.deadLetterId ?? null),
    );
  }

  /** A route's state after a message was settled, with the attempt made, if one was. */
  settled(envelopeId: string, routeId: string, state: RouteState, attempt?: Attempt, envelope?: Envelope): void {
    if (!this.enabled) return;
    // The envelope's own key: an id a sender chose may end in what looks like an occurrence's @window.
    const key = envelope ? dedupKeyOf(envelope) : keyOfId(envelopeId);
    const receivedAt = envelope ? Date.parse(envelope.receivedat) : undefined;
    this.#updates.push({ key, id: envelopeId, routeId, state, ...(attempt && { attempt }), ...(receivedAt !== undefined && { receivedAt }) });
  }

  /** Routes sent the envelope again by an operator: pending until the consumer says otherwise, with the action in the timeline. */
  /** `envelope`, when the caller has it, says which key (and shard) the row is under; else the id's own shape does. */
  redelivering(envelopeId: string, routeIds: string[], action: OperatorAction["action"] = "redelivered", at = new Date(), envelope?: Envelope): void {
    if (!this.enabled) return;
    const key = envelope ? dedupKeyOf(envelope) : keyOfId(envelopeId);
    for (const routeId of routeIds) {
      this.#updates.push({ key, id: envelopeId, routeId, state: "pending", action: { at: at.toISOString(), action } });
    }
  }

  async flush(now: Date = new Date()): Promise<void> {
    const db = this.#db();
    const updates = this.#updates.splice(0);
    const requests = this.#requests.splice(0);
    await Promise.all([
      this.#report(updates),
      db && requests.length > 0 ? db.batch(requests).catch((error: unknown) => this.#lost(requests.length, error)) : undefined,
      db ? writeMetricsIfDue(db, now) : undefined,
    ]);
  }

  /** One call per shard; lines a shard did not take are counted, and logged once for the whole flush. */
  async #report(updates: RouteUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const ledger = this.#config.ledger;
    const namespace = this.#env.LEDGER;
    if (!namespace) return this.#lost(updates.length, new Error("no LEDGER binding"));
    const groups = byShard(
      updates.map((u) => u.key),
      ledger.shards,
    );
    let lost = 0;
    let firstError: unknown;
    await Promise.all(
      [...groups].map(async ([shard, indexes]) => {
        const mine = indexes.map((i) => updates[i]!);
        try {
          const unrecorded = await withTimeout(shardStub(namespace, ledger, shard).report(mine), REPORT_TIMEOUT_MS);
          if (unrecorded > 0) countUnrecorded(unrecorded);
        } catch (error) {
          lost += mine.length;
          firstError ??= error;
        }
      }),
    );
    if (lost > 0) this.#lost(lost, firstError);
  }

  #lost(lines: number, error: unknown): void {
    countUnrecorded(lines);
    log({ event: "event_log_write_failed", lines, error: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }

  #db(): D1Database | undefined {
    return this.#config.eventLog.enabled ? this.#env.EVENTS : undefined;
  }
}
