import type { GatewayConfig } from "../config/schema";
import type { DeadLetterReason } from "../deadletters/record";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import type { Recorder } from "../ledger/recorder";
import { log } from "../log";
import { type RouteRun, recordRouteHealth } from "../observability/alerts";
import { count, countLatency } from "../observability/metrics";
import { emitOperational, isOperational } from "../observability/operational";
import type { Attempt } from "./message";

export interface Buried {
  envelopeId: string;
  routeId: string;
  envelope: Envelope | undefined;
  reason: DeadLetterReason;
  lastStatus: number | undefined;
  deadLetterId: string;
}

/**
 * What one queue batch came to, gathered while its messages are settled and recorded once
 * after: the ledger's lines (one call per shard), the counters, each route's run of failures, and
 * an operational event per dead letter. Operational events' own deliveries are logged and
 * counted like any other, but never raise another operational event.
 */
export class BatchOutcomes {
  readonly #events: Recorder;
  readonly #now: () => number;
  readonly #runs = new Map<string, RouteRun>();
  readonly #buried: Buried[] = [];
  /** What was delivered, for the batch's one line when the event log is off. */
  readonly #delivered: { id: string; routeId: string; status: number }[] = [];

  constructor(events: Recorder, now: () => number) {
    this.#events = events;
    this.#now = now;
  }

  /** `byOperator`: a redelivery or replay, whose time since receipt is not the gateway's (not timed). */
  delivered(envelope: Envelope, routeId: string, attempt: Attempt, byOperator = false): void {
    const now = this.#now();
    this.#events.settled(envelope.id, routeId, "delivered", attempt, envelope);
    count("delivery", routeId, "delivered", now);
    const receivedAt = Date.parse(envelope.receivedat);
    if (!byOperator && !Number.isNaN(receivedAt)) countLatency(routeId, Math.max(0, now - receivedAt), now);
    if (!isOperational(envelope)) this.#runs.set(routeId, { failures: 0, succeeded: true });
    this.#delivered.push({ id: envelope.id, routeId, status: attempt.status ?? 0 });
  }

  retried(envelope: Envelope, routeId: string, attempt: Attempt): void {
    this.#events.settled(envelope.id, routeId, "pending", attempt, envelope);
    count("delivery", routeId, "retried", this.#now());
    if (!isOperational(envelope)) this.#failed(routeId);
  }

  dead(buried: Buried, attempt: Attempt | undefined): void {
    this.#events.settled(buried.envelopeId, buried.routeId, "dead", attempt, buried.envelope);
    count("delivery", buried.routeId, "dead", this.#now());
    if (buried.envelope && isOperational(buried.envelope)) return;
    if (attempt) this.#failed(buried.routeId);
    this.#buried.push(buried);
  }

  #failed(routeId: string): void {
    const run = this.#runs.get(routeId) ?? { failures: 0, succeeded: false };
    this.#runs.set(routeId, { ...run, failures: run.failures + 1 });
  }

  async record(env: Bindings, config: GatewayConfig): Promise<void> {
    const now = new Date(this.#now());
    // With the event log off, the logs alone answer "where is my notification?": one line per
    // batch names every envelope delivered (docs/observability.md); failures have their own lines.
    if (!config.eventLog.enabled && this.#delivered.length > 0) {
      const d = this.#delivered;
      log({ event: "delivered", ids: d.map((x) => x.id), routes: d.map((x) => x.routeId), statuses: d.map((x) => x.status) });
    }
    await Promise.all([
      this.#events.flush(now),
      recordRouteHealth(env, config, this.#runs, now),
      ...this.#buried.map((b) =>
        emitOperational(
          env,
          config,
          {
            type: "hookgate.delivery.dead",
            subject: b.routeId,
            summary: `${b.envelopeId} is a dead letter for route ${b.routeId} (${b.reason}${b.lastStatus === undefined ? "" : `, last status ${b.lastStatus}`})`,
            data: { envelopeId: b.envelopeId, routeId: b.routeId, reason: b.reason, lastStatus: b.lastStatus, deadLetterId: b.deadLetterId },
          },
          now,
        ),
      ),
    ]);
  }
}
