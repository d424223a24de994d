import * as z from "zod";
import type { GatewayConfig } from "../../config/schema";
import type { Bindings } from "../../env";
import { log, logSuccess } from "../../log";
import { findRoute } from "../../routing/store";
import type { DeliveryDeps } from "../attempt";
import type { BatchOutcomes } from "../outcomes";
import { governorOf } from "./client";
import { announce } from "./events";
import { buryUnattempted, holdMessage } from "./hold";
import type { Result, Settings, Verdict } from "./state";

/** The governor could not be asked: the message waits this long, no attempt used up. */
export const GOVERNOR_DOWN_HOLD_SECONDS = 30;

/** What one attempt came to, as the governor needs it (the consumer says). */
export type Settled = Pick<Result, "outcome" | "fate" | "retryDelaySeconds">;

/** The fields the governor reads of a message; the consumer validates the whole later. */
const Governed = z.object({
  v: z.literal(1),
  routeId: z.string().min(1),
  sequence: z.object({ key: z.string(), n: z.number().int().positive() }).optional(),
});

type Sequence = { key: string; n: number };

interface RouteGroup {
  routeId: string;
  settings: Settings;
  results: Result[];
  failuresBefore: number;
}

interface Entry {
  verdict: Verdict;
  group: RouteGroup;
  sequence?: Sequence;
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
  readonly #finished = new Map<string, Promise<Settled | undefined>>();

  constructor(
    private readonly env: Bindings,
    private readonly config: GatewayConfig,
    private readonly deps: DeliveryDeps,
    private readonly outcomes: BatchOutcomes,
    private readonly waitUntil: (promise: Promise<unknown>) => void,
  ) {}

  /** One call per route: a verdict for each of its messages. Messages of no route it can read are left to the consumer. */
  async ask(messages: readonly Message<unknown>[]): Promise<void> {
    const byRoute = new Map<string, { message: Message<unknown>; sequence?: Sequence }[]>();
    for (const message of messages) {
      const parsed = Governed.safeParse(message.body);
      if (!parsed.success) continue;
      const items = byRoute.get(parsed.data.routeId) ?? [];
      items.push({ message, ...(parsed.data.sequence && { sequence: parsed.data.sequence }) });
      byRoute.set(parsed.data.routeId, items);
    }
    await Promise.all([...byRoute].map(([routeId, items]) => this.#askRoute(routeId, items)));
  }

  async #askRoute(routeId: string, items: { message: Message<unknown>; sequence?: Sequence }[]): Promise<void> {
    const { env, config } = this;
    const found = await findRoute(config, env.STATE, (name) => env[name], routeId).catch(() => undefined);
    // A route not found or broken is not governed here: the consumer settles it as before.
    if (!found?.ok) return;
    const { breaker, rateLimit, ordered } = found.route;
    const group: RouteGroup = { routeId, settings: { breaker, ...(rateLimit && { rateLimit }), ...(ordered && { ordered }) }, results: [], failuresBefore: 0 };
    this.#groups.push(group);
    const asks = items.map(({ message, sequence }) => ({ id: message.id, ...(sequence && { sequence }) }));
    try {
      const answer = await governorOf(env.ROUTE_GOVERNOR, routeId).decide(group.settings, asks, this.deps.now());
      group.failuresBefore = answer.state.failures;
      logCall("decide", routeId, answer.rowsWritten, answer.verdicts);
      items.forEach((item, i) => {
        this.#entries.set(item.message, { verdict: answer.verdicts[i]!, group, ...(item.sequence && { sequence: item.sequence }) });
      });
    } catch (error) {
      log({ event: "governor_unreachable", routeId, error: String(error).slice(0, 200) });
      const verdict: Verdict = { kind: "hold", delaySeconds: GOVERNOR_DOWN_HOLD_SECONDS, why: "unavailable" };
      for (const item of items) this.#entries.set(item.message, { verdict, group });
    }
  }

  /** One message: attempted through `attempt` (when and if its route's governor allows), held, or settled without an attempt. */
  async run(message: Message<unknown>, attempt: () => Promise<Settled | undefined>): Promise<void> {
    const entry = this.#entries.get(message);
    if (!entry) return void (await attempt());
    const { env, config, outcomes, deps } = this;
    const { verdict, group, sequence } = entry;
    if (verdict.kind === "hold") return holdMessage(message, env, config, outcomes, verdict.delaySeconds, deps.now());
    if (verdict.kind === "bury") return buryUnattempted(message, env, config, outcomes, verdict.reason, deps.now());
    if (verdict.kind === "skip") {
      log({ event: "delivery_sequence_done", routeId: group.routeId, messageId: message.id, sequence });
      return message.ack();
    }
    let release: (settled: Settled | undefined) => void = () => {};
    this.#finished.set(
      message.id,
      new Promise((resolve) => {
        release = resolve;
      }),
    );
    try {
      if (verdict.after !== undefined) {
        const before = await this.#finished.get(verdict.after);
        // The one before it in this batch did not finish: this one waits its turn.
        if (before?.fate !== "finished")
          return holdMessage(message, env, config, outcomes, Math.min(60, Math.max(1, before?.retryDelaySeconds ?? 1)), deps.now());
      }
      const wait = verdict.at - deps.now();
      if (wait > 0) await scheduler.wait(wait);
      const base = { id: message.id, ...(sequence && { sequence }), probe: verdict.probe };
      const settled = await attempt().catch((error: unknown) => {
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
      const answer = await governorOf(env.ROUTE_GOVERNOR, group.routeId).report(group.settings, group.results, deps.now());
      logCall("report", group.routeId, answer.rowsWritten);
      if (answer.changes.length > 0) this.waitUntil(announce(env, config, group.routeId, answer.changes, new Date(deps.now())));
    } catch (error) {
      // Leases expire and heads are given up on in time (decide.ts); nothing waits forever.
      log({ event: "governor_report_failed", routeId: group.routeId, error: String(error).slice(0, 200) });
    }
  }
}

/** A healthy, unordered route without concurrency leases whose attempts all succeeded has nothing to tell. */
function worthReporting(group: RouteGroup): boolean {
  if (group.results.length === 0) return false;
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
