import { loadConfig } from "../config/load";
import type { GatewayConfig, Route } from "../config/schema";
import { confirmBeforeDelivery } from "../confirm/step";
import { deliveryDeadLetter, unreadableDeadLetter } from "../deadletters/build";
import {
  HEAVY_REPLAY_DELAY_SECONDS,
  handleReplayMessage,
  isHeavyReplay,
  isReplayMessage,
  MAX_REPLAYS_PER_BATCH,
  type ReplayMessage,
} from "../deadletters/bulk";
import type { DeadLetterReason } from "../deadletters/record";
import { forgetReplayed, storeDeadLetter } from "../deadletters/store";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { isFollowUp, runFollowUp } from "../ingest/followup";
import { Recorder } from "../ledger/recorder";
import { log, successLogged, useLogSettings } from "../log";
import { findRoute } from "../routing/store";
import { type AttemptResult, attemptDelivery, type DeliveryDeps } from "./attempt";
import { backoffSeconds } from "./backoff";
import { classify, type NextStep } from "./classify";
import { governBatch, type Probe, type Settled } from "./governor/batch";
import { type GovernedStep, orderedNext, settledOf } from "./governor/outcome";
import { type Attempt, DeliveryMessage, envelopeIdOf } from "./message";
import { BatchOutcomes } from "./outcomes";
import { loadPayload, shapePayload } from "./payload";
import { deliveryQueueFor, isReleaseMessage, retryQueueOf } from "./queues";
import { handleReleaseMessage } from "./release";
import { resend } from "./resend";

/** While the config is broken nothing can be delivered; Queues holds the messages meanwhile. */
const BROKEN_CONFIG_DELAY_SECONDS = 60;
/** KV changes reach every location within about a minute. */
const KV_PROPAGATION_DELAY_SECONDS = 60;
const KV_PROPAGATION_RETRIES = 3;

/**
 * Delivers each (envelope, route) message of a batch, all at once, and settles each on its
 * own: ack when delivered, re-sent with its history when worth another try, dead letter when
 * not. A message whose handling throws (KV down, a bug) is retried by Queues alone.
 */
export async function handleDeliveryBatch(
  batch: MessageBatch<unknown>,
  env: Bindings,
  deps: DeliveryDeps,
  waitUntil: (promise: Promise<unknown>) => void = () => {},
): Promise<void> {
  useLogSettings(env);
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log({ event: "delivery_config_broken", problems: loaded.problems });
    for (const message of batch.messages) message.retry({ delaySeconds: BROKEN_CONFIG_DELAY_SECONDS });
    return;
  }
  const config = loaded.config;
  const outcomes = new BatchOutcomes(Recorder.for(env, config), deps.now);
  // One heavy replay (a quarantined request, read again whole) per batch; the others are sent
  // again as new messages, so waiting never uses up their Queues retries.
  // Replay chunks are bounded per invocation too (deadletters/bulk.ts): the first
  // MAX_REPLAYS_PER_BATCH of a batch, the rest a moment later, like a second heavy replay.
  const replays = batch.messages.filter((m) => isReplayMessage(m.body) && !isHeavyReplay(m.body));
  const deferred = new Set([...batch.messages.filter((m) => isHeavyReplay(m.body)).slice(1), ...replays.slice(MAX_REPLAYS_PER_BATCH)]);
  // Route governance (pause, breaker, rate limit, order): one call per route now, one after.
  const deliveries = batch.messages.filter((m) => !deferred.has(m) && !isReplayMessage(m.body) && !isReleaseMessage(m.body));
  const governor = await governBatch(env, config, deliveries, deps, outcomes, waitUntil);
  const results = await Promise.allSettled(
    batch.messages.map((m) =>
      deferred.has(m)
        ? sendAgainLater(m, deliveryQueueFor(env, m.id), HEAVY_REPLAY_DELAY_SECONDS)
        : isReplayMessage(m.body)
          ? handleReplayMessage(m, env, config, deps.now, waitUntil)
          : isReleaseMessage(m.body)
            ? handleReleaseMessage(m, m.body, env, config, deps.now(), outcomes)
            : governor.run(m, (probe) => handleMessage(m, env, deps, config, outcomes, probe)),
    ),
  );
  await governor.report();
  results.forEach((result, i) => {
    if (result.status === "fulfilled") return;
    const message = batch.messages[i]!;
    log({ event: "delivery_failed_unexpectedly", messageId: message.id, error: String(result.reason).slice(0, 200) });
    // Backing off, not at once: a KV outage of a few seconds must not use up every retry.
    message.retry({ delaySeconds: backoffSeconds(message.attempts, deps.random) });
  });
  // After every message is settled, and never in their way: the log, route health, alerts.
  waitUntil(outcomes.record(env, config));
}

/** Settles one message; for a governed route, says what its attempt came to (undefined: no attempt, nothing finished). */
async function handleMessage(
  message: Message<unknown>,
  env: Bindings,
  deps: DeliveryDeps,
  config: GatewayConfig,
  outcomes: BatchOutcomes,
  probe?: Probe,
): Promise<Settled | undefined> {
  const ttlDays = config.delivery.deadLetterTtlDays;
  if (isFollowUp(message.body)) return runFollowUp(message.body, env, ttlDays).then(() => void message.ack());
  const parsed = DeliveryMessage.safeParse(message.body);
  if (!parsed.success) return void (await keepUnreadable(message, env.STATE, deps.now(), ttlDays, parsed.error.issues[0]?.message));
  const delivery = parsed.data;
  const envelopeId = envelopeIdOf(delivery);
  let envelope: Envelope | undefined = delivery.envelope;
  const bury = async (reason: DeadLetterReason, attempts: Attempt[], detail?: string, attempt?: Attempt): Promise<Settled> => {
    const record = await deliveryDeadLetter(delivery, delivery.routeId, attempts, reason, deps.now(), detail);
    await storeDeadLetter(env.STATE, record, delivery.replayOf, ttlDays);
    log({ event: "dead_letter_stored", deadLetterId: record.id, envelopeId, routeId: delivery.routeId, reason });
    message.ack();
    outcomes.dead({ envelopeId, routeId: delivery.routeId, envelope, reason, lastStatus: record.lastStatus, deadLetterId: record.id }, attempt);
    return { outcome: "neutral", fate: "finished" };
  };

  // KV is eventually consistent: a route added or an envelope stored a moment ago may not be
  // visible here yet, so a miss is retried a few times before it is buried.
  const notYet = (reason: string): undefined => {
    log({ event: "delivery_waiting_for_kv", routeId: delivery.routeId, reason, attempt: message.attempts });
    message.retry({ delaySeconds: KV_PROPAGATION_DELAY_SECONDS });
  };
  const loaded = await loadPayload(delivery, env.STATE);
  if (!loaded.ok) {
    if (loaded.reason === "envelope_missing" && message.attempts <= KV_PROPAGATION_RETRIES) return notYet(loaded.reason);
    return bury(loaded.reason, delivery.attempts, loaded.detail);
  }
  // Confirm-by-fetch (src/confirm/step.ts): the provider's API says whether the notification is true.
  const payload = await confirmBeforeDelivery(config.sources[delivery.source], loaded, deps.fetch);
  if (!payload.ok && payload.kept) return bury(payload.reason, delivery.attempts, payload.detail);
  if (!payload.ok) return void message.retry({ delaySeconds: backoffSeconds(message.attempts, deps.random) });
  envelope = payload.envelope;
  const found = await findRoute(config, env.STATE, (name) => env[name], delivery.routeId);
  if (!found && message.attempts <= KV_PROPAGATION_RETRIES) return notYet("route_not_found");
  if (!found) return bury("route_not_found", delivery.attempts, `route "${delivery.routeId}" does not exist`);
  if (!found.ok) {
    log({ event: "delivery_route_broken", routeId: delivery.routeId, problem: found.problem });
    message.retry({ delaySeconds: BROKEN_CONFIG_DELAY_SECONDS });
    return;
  }

  const shaped = await shapePayload(found.route, payload);
  if (!shaped.ok) return bury("transform_failed", delivery.attempts, shaped.error);
  const result = await attemptDelivery(found.route, shaped, deps, delivery.sequence?.n);
  if (probe) result.attempt.probe = true;
  const attempts = [...delivery.attempts, result.attempt];
  const classified = probeStep(
    classify(result.outcome, {
      // The breaker's probes are its own questions: they use up none of the message's attempts.
      attempt: Math.max(1, attempts.filter((a) => !a.probe).length),
      maxAttempts: config.delivery.maxAttempts,
      schedule: config.delivery.retrySchedule,
      now: deps.now(),
      random: deps.random,
    }),
    probe,
  );
  const next = orderedNext(classified, found.route, delivery.sequence !== undefined);
  logAttempt(envelopeId, payload.envelope.source.replace(/^\/hooks\//, ""), found.route, attempts.length, result, next);

  if (next.kind === "done") {
    if (delivery.replayOf !== undefined) await forgetReplayed(env.STATE, delivery.replayOf);
    message.ack();
    outcomes.delivered(payload.envelope, delivery.routeId, result.attempt, delivery.byOperator === true || delivery.replayOf !== undefined);
  } else if (next.kind === "retry") {
    // A wait before this attempt is over: the next hold counts from its own start.
    const attempt = { ...result.attempt, retryAt: new Date(deps.now() + next.delaySeconds * 1000).toISOString() };
    const history = keepRecentProbes([...delivery.attempts, attempt]);
    await resend(message, retryQueueOf(env) as Queue<DeliveryMessage>, { ...delivery, attempts: history, heldSince: undefined }, next.delaySeconds);
    outcomes.retried(payload.envelope, delivery.routeId, attempt);
  } else {
    await bury(next.reason, attempts, undefined, result.attempt);
  }
  return settledOf(result.outcome, next);
}

/** A probe that failed is the next probe: it comes back after the probe interval (decide.ts gives it the turn), not at its backoff step. */
function probeStep(next: NextStep, probe: Probe | undefined): NextStep {
  if (!probe || next.kind !== "retry") return next;
  return { kind: "retry", delaySeconds: probe.probeSeconds };
}

/** Probes of a long outage are not all kept: the last few, and every counted attempt. */
const KEPT_PROBES = 10;

function keepRecentProbes(attempts: Attempt[]): Attempt[] {
  const probes = attempts.filter((a) => a.probe).length;
  if (probes <= KEPT_PROBES) return attempts;
  let drop = probes - KEPT_PROBES;
  return attempts.filter((a) => !(a.probe && drop-- > 0));
}

/** Not a delivery message: kept whole as a dead letter, never acked and dropped. */
async function keepUnreadable(message: Message<unknown>, kv: KVNamespace, now: number, ttlDays: number, problem?: string): Promise<void> {
  const record = await unreadableDeadLetter(message.id, message.body, "unreadable_message", now);
  await storeDeadLetter(kv, record, undefined, ttlDays);
  log({ event: "dead_letter_stored", deadLetterId: record.id, messageId: message.id, reason: "unreadable_message", problem });
  message.ack();
}

/** A failed attempt always has its line; a delivered one only when LOG_SUCCESS asks (src/log.ts). */
function logAttempt(envelopeId: string, source: string, route: Route, attempt: number, result: AttemptResult, next: GovernedStep): void {
  if (next.kind === "done" && !successLogged({ source, route: route.id })) return;
  const failedToConnect = result.outcome.kind !== "response";
  log({
    event: "delivery_attempt",
    envelopeId,
    routeId: route.id,
    attempt,
    status: result.attempt.status ?? null,
    outcome: failedToConnect ? result.outcome.kind : undefined,
    result: next.kind,
    ...(next.kind === "retry" && { delaySeconds: next.delaySeconds }),
    ...(next.kind === "dead" && { reason: next.reason }),
    ...(failedToConnect && { error: result.attempt.error }),
    durationMs: result.attempt.durationMs,
  });
}

/** The same message as a new one, later; if that send fails, Queues retries this one. */
async function sendAgainLater(message: Message<unknown>, queue: Queue<unknown>, delaySeconds: number): Promise<void> {
  try {
    await queue.send(message.body as ReplayMessage, { delaySeconds, contentType: "json" });
    message.ack();
  } catch {
    message.retry({ delaySeconds });
  }
}
