import * as z from "zod";
import type { GatewayConfig } from "../../config/schema";
import type { Bindings } from "../../env";
import { log, logSuccess } from "../../log";
import { findRoute } from "../../routing/store";
import type { DeliveryDeps } from "../attempt";
import { type DeliveryMessage, envelopeIdOf } from "../message";
import type { BatchOutcomes } from "../outcomes";
import { retryQueueOf, sendAll, sendRelease } from "../queues";
import { governorOf } from "./client";
import { announce } from "./events";
import { buryUnattempted, holdMessage } from "./hold";
import { decideOrdered, parkOrdered, reportOrdered, type Wake } from "./keyed";
import type { ParkItem } from "./parked";
import { MAX_HELD_MS } from "./release-rows";
import type { Result, Settings, Verdict } from "./state";

/** The governor could not be asked: the message waits this long, no attempt used up. */
export const GOVERNOR_DOWN_HOLD_SECONDS = 30;

/** A message the governor would park but did not take (its reason ended meanwhile) is sent again this soon. */
const NOT_PARKED_HOLD_SECONDS = 1;

/** What one attempt came to, as the governor needs it (the consumer says). */
export type Settled = Pick<Result, "outcome" | "fate" | "retryDelaySeconds">;

/** An attempt that is the breaker's probe: if it fails it is tried again after the probe interval, as the next probe. */
export interface Probe {
  probeSeconds: number;
}

/** The fields the governor reads of a message; the consumer validates the whole later. */
const Governed = z.object({
  v: z.literal(1),
  routeId: z.string().min(1),
  sequence: z.object({ key: z.string(), n: z.number().int().positive() }).optional(),
  envelope: z.object({ id: z.string() }).optional(),
  envelopeKey: z.string().optional(),
  attempts: z.array(z.unknown()).default([]),
  heldSince: z.string().optional(),
});

type Sequence = { key: string; n: number };

interface RouteGroup {
  routeId: string;
  settings: Settings;
  results: Result[];
  failuresBefore: number;
  /** The last success the governor knew of when it decided (0: none). */
  lastSuccessBefore: number;
  decidedAt: number;
  /** Settles once every attempt the governor granted this group in this batch has finished. */
  granted: Promise<void>;
}

/** One granted attempt's end, made before it starts: what the messages after it wait for. */
interface Finishing {
  promise: Promise<Settled | undefined>;
  resolve: (settled: Settled | undefined) => void;
}

interface Entry {
  verdict: Verdict;
  group: RouteGroup;
  sequence?: Sequence;
  envelopeId?: string;
  /** For a park verdict: whether the governor stored it. */
  parked?: boolean;
}

interface Item {
  message: Message<unknown>;
  sequence?: Sequence;
  envelopeId: string;
  attempts: number;
  heldSince?: string | undefined;
}

/**
 * The governor's step for one consumer batch (docs/delivery.md, "Governed delivery"): one call
 * per route the batch holds messages for, which answers for each message: attempt now (or at
 * a rate-limit slot a moment away, or right after the message of the same key before it),
 * hold (sent again with a delay; no attempt used up), or settle without an attempt. A
 * governor that cannot be reached holds its route's messages: nothing goes out of order or
 * past a pause because an object was down.
 */
export async function governBatch(
  env: Bindings,
  config: GatewayConfig,
  messages: readonly Message<unknown>[],
  deps: DeliveryDeps,
  outcomes: BatchOutcomes,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<GovernedBatch> {
  const batch = new GovernedBatch(env, config, deps, outcomes, waitUntil);
  await batch.ask(messages);
  return batch;
}

export class GovernedBatch {
  readonly #entries = new Map<Message<unknown>, Entry>();
  readonly #groups: RouteGroup[] = [];
  readonly #finishings = new Map<string, Finishing>();

  constructor(
    private readonly env: Bindings,
    private readonly config: GatewayConfig,
    private readonly deps: DeliveryDeps,
    private readonly outcomes: BatchOutcomes,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** One call per route: a verdict for each of its messages. Messages of a route known not to exist are left to the consumer. */
  async ask(messages: readonly Message<unknown>[]): Promise<void> {
    const byRoute = new Map<string, Item[]>();
    for (const message of messages) {
      const parsed = Governed.safeParse(message.body);
      if (!parsed.success) continue;
      const { routeId, sequence, attempts, heldSince } = parsed.data;
      const items = byRoute.get(routeId) ?? [];
      const envelopeId = envelopeIdOf(parsed.data);
      items.push({ message, envelopeId, attempts: attempts.length, heldSince, ...(sequence && { sequence }) });
      byRoute.set(routeId, items);
    }
    await Promise.all([...byRoute].map(([routeId, items]) => this.#askRoute(routeId, items)));
  }

  async #askRoute(routeId: string, items: Item[]): Promise<void> {
    const { env, config } = this;
    let found: Awaited<ReturnType<typeof findRoute>>;
    try {
      found = await findRoute(config, env.STATE, (name) => env[name], routeId);
    } catch (error) {
      // The route table could not be read: the route may be paused, so its messages wait as
      // for an unreachable governor. Only a route known to be absent is not governed.
      return this.#unavailable(routeId, items, "route_table_unreadable", error);
    }
    // A route not found or broken is not governed here: the consumer settles it as before.
    if (!found?.ok) return;
    const { breaker, rateLimit, ordered } = found.route;
    const group: RouteGroup = {
      routeId,
      settings: { breaker, ...(rateLimit && { rateLimit }), ...(ordered && { ordered }) },
      results: [],
      failuresBefore: 0,
      lastSuccessBefore: 0,
      decidedAt: this.deps.now(),
      granted: Promise.resolve(),
    };
    this.#groups.push(group);
    const asks = items.map(({ message, sequence, envelopeId }) => ({ id: message.id, envelopeId, ...(sequence && { sequence }) }));
    try {
      const now = this.deps.now();
      const answer = ordered
        ? await decideOrdered(env, routeId, group.settings, asks, now)
        : await governorOf(env.ROUTE_GOVERNOR, routeId).decide(group.settings, asks, now);
      group.failuresBefore = answer.state.failures;
      group.lastSuccessBefore = answer.state.lastSuccess;
      logCall("decide", routeId, answer.rowsWritten, answer.verdicts);
      // Only a batch with messages held by the breaker's cap waits on its granted attempts.
      if (answer.verdicts.some((v) => v.kind === "hold" && v.unlessAnswered)) group.granted = this.#grantedRound(items, answer.verdicts);
      items.forEach((item, i) => {
        this.#entries.set(item.message, {
          verdict: answer.verdicts[i]!,
          group,
          envelopeId: item.envelopeId,
          ...(item.sequence && { sequence: item.sequence }),
        });
      });
      await this.#park(routeId, items, ordered?.shards);
    } catch (error) {
      this.#unavailable(routeId, items, "governor_unreachable", error);
    }
  }

  /**
   * The attempts granted to one route's messages, as one promise that settles when all have
   * finished: what a message held by the breaker's cap waits for (run()). Each attempt's own
   * promise is made here, before any run() starts, so the batch's order does not matter.
   */
  #grantedRound(items: Item[], verdicts: Verdict[]): Promise<void> {
    const attempts = items.filter((_, i) => verdicts[i]?.kind === "attempt");
    return Promise.all(attempts.map(({ message }) => this.#finishing(message.id).promise)).then(() => undefined);
  }

  #finishing(messageId: string): Finishing {
    let finishing = this.#finishings.get(messageId);
    if (finishing === undefined) {
      let resolve: (settled: Settled | undefined) => void = () => {};
      const promise = new Promise<Settled | undefined>((r) => {
        resolve = r;
      });
      finishing = { promise, resolve };
      this.#finishings.set(messageId, finishing);
    }
    return finishing;
  }

  /** The messages told to park, stored once in the governor (one call per route); a release message asked for when one is due. */
  async #park(routeId: string, items: Item[], shards?: number): Promise<void> {
    const now = this.deps.now();
    // A message held past 14 days already is not parked: run() makes it a dead letter (hold.ts).
    const fresh = (item: Item) => item.heldSince === undefined || now - Date.parse(item.heldSince) <= MAX_HELD_MS;
    const toPark = items.filter((item) => this.#entries.get(item.message)?.verdict.kind === "park" && fresh(item));
    if (toPark.length === 0) return;
    const parkItems: ParkItem[] = toPark.map((item) => {
      const verdict = this.#entries.get(item.message)!.verdict as Extract<Verdict, { kind: "park" }>;
      const heldSince = item.heldSince ?? new Date(now).toISOString();
      const body = JSON.stringify({ ...(item.message.body as DeliveryMessage), heldSince });
      return { why: verdict.why, envelopeId: item.envelopeId, sequence: item.sequence, attempts: item.attempts, since: Date.parse(heldSince), body };
    });
    // An ordered route's: behind a key in its key governor, paused or open in the route's (./keyed.ts).
    const answer =
      shards === undefined
        ? await governorOf(this.env.ROUTE_GOVERNOR, routeId)
            .park(parkItems, now)
            .then((a) => ({ ...a, wakes: a.wakeInSeconds === undefined ? [] : [{ seconds: a.wakeInSeconds }] }))
        : await parkOrdered(this.env, routeId, shards, parkItems, now);
    log({ event: "governor_call", call: "park", routeId, rowsWritten: answer.rowsWritten, parked: answer.taken.filter(Boolean).length });
    toPark.forEach((item, i) => {
      this.#entries.get(item.message)!.parked = answer.taken[i] === true;
    });
    for (const wake of answer.wakes as Wake[]) await sendRelease(this.env, routeId, wake.seconds, wake.shard);
  }

  #unavailable(routeId: string, items: Item[], event: string, error: unknown): void {
    log({ event, routeId, error: String(error).slice(0, 200) });
    const group: RouteGroup = {
      routeId,
      settings: { breaker: false },
      results: [],
      failuresBefore: 0,
      lastSuccessBefore: 0,
      decidedAt: 0,
      granted: Promise.resolve(),
    };
    const verdict: Verdict = { kind: "hold", delaySeconds: GOVERNOR_DOWN_HOLD_SECONDS, why: "unavailable" };
    for (const item of items) {
      const entry = this.#entries.get(item.message);
      // Parked already (the call failed after): it is stored, the message can go.
      if (entry?.verdict.kind === "park" && entry.parked === true) continue;
      this.#entries.set(item.message, { verdict, group });
    }
  }

  /** One message: attempted through `attempt` (when and if its route's governor allows), held, or settled without an attempt. */
  async run(message: Message<unknown>, attempt: (probe?: Probe) => Promise<Settled | undefined>): Promise<void> {
    const entry = this.#entries.get(message);
    if (!entry) return void (await attempt());
    const { env, config, outcomes, deps } = this;
    const { verdict, group, sequence } = entry;
    if (verdict.kind === "hold" && verdict.unlessAnswered) {
      // A quiet route's first attempts went out; once one succeeds, the target answers: the rest go now.
      await group.granted;
      if (!group.results.some((r) => r.outcome === "success")) return holdMessage(message, env, config, outcomes, verdict.delaySeconds, deps.now());
      return this.#attempt(message, entry, { kind: "attempt", at: deps.now(), probe: false }, attempt);
    }
    if (verdict.kind === "hold") return holdMessage(message, env, config, outcomes, verdict.delaySeconds, deps.now());
    if (verdict.kind === "park") {
      if (entry.parked) return message.ack();
      return holdMessage(message, env, config, outcomes, NOT_PARKED_HOLD_SECONDS, deps.now());
    }
    if (verdict.kind === "bury") return buryUnattempted(message, env, config, outcomes, verdict.reason, deps.now());
    if (verdict.kind === "skip") {
      log({ event: "delivery_sequence_done", routeId: group.routeId, messageId: message.id, sequence });
      return message.ack();
    }
    return this.#attempt(message, entry, verdict, attempt);
  }

  async #attempt(
    message: Message<unknown>,
    entry: Entry,
    verdict: Extract<Verdict, { kind: "attempt" }>,
    attempt: (probe?: Probe) => Promise<Settled | undefined>,
  ): Promise<void> {
    const { env, config, outcomes, deps } = this;
    const { group, sequence } = entry;
    const release = this.#finishing(message.id).resolve;
    try {
      if (verdict.after !== undefined) {
        const before = await this.#finishing(verdict.after).promise;
        // The one before it in this batch did not finish: this one waits its turn.
        if (before?.fate !== "finished")
          return holdMessage(message, env, config, outcomes, Math.min(60, Math.max(1, before?.retryDelaySeconds ?? 1)), deps.now());
      }
      const wait = verdict.at - deps.now();
      if (wait > 0) await scheduler.wait(wait);
      const base = {
        id: message.id,
        ...(entry.envelopeId !== undefined && { envelopeId: entry.envelopeId }),
        ...(sequence && { sequence }),
        probe: verdict.probe,
      };
      const breaker = group.settings.breaker;
      const probe = verdict.probe && breaker ? { probeSeconds: breaker.probeSeconds } : undefined;
      const settled = await attempt(probe).catch((error: unknown) => {
        group.results.push({ ...base, outcome: "neutral", fate: "unknown" });
        throw error;
      });
      release(settled);
      group.results.push({ ...base, ...(settled ?? { outcome: "neutral", fate: "unknown" }) });
    } finally {
      release(undefined);
    }
  }

  /** Tells each route's governor what the attempts came to (one call per route); never throws. */
  async report(): Promise<void> {
    await Promise.all(this.#groups.filter(worthReporting).map((group) => this.#reportRoute(group)));
  }

  async #reportRoute(group: RouteGroup): Promise<void> {
    const { env, config, deps } = this;
    try {
      const answer = group.settings.ordered
        ? await reportOrdered(env, group.routeId, group.settings, group.results, deps.now())
        : await governorOf(env.ROUTE_GOVERNOR, group.routeId).report(group.settings, group.results, deps.now());
      logCall("report", group.routeId, answer.rowsWritten);
      if (answer.changes.length > 0) this.waitUntil(announce(env, config, group.routeId, answer.changes, new Date(deps.now())));
      // Heads whose turn came go at once; a breaker that closed lets its parked messages out.
      if (answer.released.length > 0) await sendAll(retryQueueOf(env), answer.released);
      if (answer.changes.some((c) => c.kind === "resumed") && answer.parked > 0) await sendRelease(env, group.routeId, 0);
    } catch (error) {
      // Leases expire and heads are given up on in time (decide.ts); parked messages have the daily alarm.
      log({ event: "governor_report_failed", routeId: group.routeId, error: String(error).slice(0, 200) });
    }
  }
}

/**
 * A healthy, unordered route without concurrency leases whose attempts all succeeded has nothing
 * to tell, but for a success now and then: the breaker keeps when the last one was (at most one
 * report per half window).
 */
function worthReporting(group: RouteGroup): boolean {
  if (group.results.length === 0) return false;
  const breaker = group.settings.breaker;
  const halfWindow = breaker ? ((breaker.windowSeconds ?? 60) * 1000) / 2 : Number.POSITIVE_INFINITY;
  if (group.decidedAt - group.lastSuccessBefore > halfWindow && group.results.some((r) => r.outcome === "success")) return true;
  if (group.settings.ordered || group.settings.rateLimit?.concurrency !== undefined || group.failuresBefore > 0) return true;
  return group.results.some((r) => r.outcome === "failure" || r.probe || r.sequence);
}

/** One line per call to a governor: what it cost (SQLite rows written) and, for a decision, what it said. */
function logCall(call: "decide" | "report", routeId: string, rowsWritten: number, verdicts: Verdict[] = []): void {
  const counts: Record<string, number> = {};
  for (const v of verdicts) counts[v.kind] = (counts[v.kind] ?? 0) + 1;
  // A decision that lets every message be attempted is routine: a line only when LOG_SUCCESS asks (src/log.ts).
  const line = { event: "governor_call", call, routeId, rowsWritten, ...counts };
  if (call === "decide" && verdicts.every((v) => v.kind === "attempt")) logSuccess(line, { route: routeId });
  else log(line);
}
