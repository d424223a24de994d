import { parse } from "smol-toml";
import { MAX_DELIVERY_QUEUES } from "../../src/queue/delivery-queues";

/**
 * How many delivery queues a volume needs, and how their consumers are set (#30.2,
 * docs/deploy.md "Sizing"). Pure: scripts/lib/sizing.ts prints it with the rest.
 *
 * The arithmetic, per second at the peak: every notification is one message per matching route
 * (the fan-out); a share of first attempts fail and come back through the retries queue, as do
 * held and released messages. A queue takes 5,000 messages a second (Cloudflare's limit);
 * queues are planned to 80 % of it. A consumer invocation takes one batch and delivers its
 * messages side by side, so it lasts about as long as the slowest (BATCH_SECONDS for receivers
 * answering in a few hundred milliseconds); a queue then drains `concurrency × batch size /
 * BATCH_SECONDS` a second, and its consumer's concurrency (at most 250) is planned to half,
 * so receivers twice as slow are still drained.
 */

export const QUEUE_LIMITS = {
  /** Messages a second one queue takes. */
  messagesPerSecond: 5000,
  /** A consumer's largest batch. */
  maxBatchSize: 100,
  /** A consumer's most concurrent invocations. */
  maxConcurrency: 250,
} as const;

/** A queue is planned to this share of its 5,000 messages a second. */
export const QUEUE_FILL = 0.8;
/** A consumer's concurrency is planned to this share of 250: slower receivers have the rest. */
export const CONCURRENCY_FILL = 0.5;
/** How long a consumer invocation lasts: its batch delivered side by side, the slowest deciding. */
export const BATCH_SECONDS = 0.5;
/** Share of messages that pass through the retries queue again (a failed first attempt, a hold, a release). */
export const RETRY_SHARE = 0.1;
/**
 * The batch sizes considered, smallest first: a large batch costs fewer invocations, governor
 * calls and ledger reports a message; 25 is wrangler.toml's (a batch's messages go side by side
 * and a quiet batch waits at most max_batch_timeout, so a smaller one answers no sooner).
 */
const BATCH_SIZES = [25, 50, 100] as const;

export interface ConsumerSettings {
  max_batch_size: number;
  max_concurrency: number;
}

export interface QueuePlan {
  /** Messages a second at the peak: notifications × matching routes. */
  messagesPerSecond: number;
  /** Delivery queues (DELIVERIES, DELIVERIES_1, …). */
  queues: number;
  /** Each delivery queue's consumer. */
  consumer: ConsumerSettings;
  /** Messages a second the retries queue takes at the peak. */
  retriesPerSecond: number;
  retries: ConsumerSettings;
  /** More queues would be needed than the gateway reads (MAX_DELIVERY_QUEUES). */
  overCeiling: boolean;
}

/** The smallest batch whose concurrency fits half of 250 at `perSecond`; the largest batch otherwise. */
export function consumerFor(perSecond: number): ConsumerSettings {
  const room = QUEUE_LIMITS.maxConcurrency * CONCURRENCY_FILL;
  const concurrency = (batch: number) => Math.max(1, Math.ceil((perSecond * BATCH_SECONDS) / batch));
  const batch = BATCH_SIZES.find((b) => concurrency(b) <= room) ?? QUEUE_LIMITS.maxBatchSize;
  return { max_batch_size: batch, max_concurrency: Math.min(QUEUE_LIMITS.maxConcurrency, Math.max(10, concurrency(batch) * 2)) };
}

export function planQueues(peakPerSecond: number, routes = 1): QueuePlan {
  const messagesPerSecond = peakPerSecond * routes;
  const needed = Math.max(1, Math.ceil(messagesPerSecond / (QUEUE_LIMITS.messagesPerSecond * QUEUE_FILL)));
  const queues = Math.min(needed, MAX_DELIVERY_QUEUES);
  const retriesPerSecond = messagesPerSecond * RETRY_SHARE;
  return {
    messagesPerSecond,
    queues,
    consumer: consumerFor(messagesPerSecond / queues),
    retriesPerSecond,
    retries: consumerFor(retriesPerSecond),
    overCeiling: needed > MAX_DELIVERY_QUEUES,
  };
}

/** The wrangler.toml blocks of the delivery queues past the first, for `npm run setup -- --per-day N` to print. */
export function queueToml(plan: QueuePlan): string {
  const blocks: string[] = [];
  for (let i = 1; i < plan.queues; i++) {
    blocks.push(`[[queues.producers]]\nbinding = "DELIVERIES_${i}"\nqueue = "hookgate-deliveries-${i}"`);
  }
  for (let i = 0; i < plan.queues; i++) {
    const queue = i === 0 ? "hookgate-deliveries" : `hookgate-deliveries-${i}`;
    blocks.push(consumerToml(queue, plan.consumer));
  }
  blocks.push(consumerToml("hookgate-retries", plan.retries));
  return blocks.join("\n\n");
}

function consumerToml(queue: string, settings: ConsumerSettings): string {
  return [
    "[[queues.consumers]]",
    `queue = "${queue}"`,
    `max_batch_size = ${settings.max_batch_size}`,
    "max_batch_timeout = 1",
    `max_concurrency = ${settings.max_concurrency}`,
    "max_retries = 5",
    "retry_delay = 60",
    'dead_letter_queue = "hookgate-dead-letters"',
  ].join("\n");
}

/** What a wrangler.toml sets for delivery: the DELIVERIES* producers in order, and each one's consumer, if any. */
export interface ConfiguredQueues {
  queues: { binding: string; queue: string; consumer?: Partial<ConsumerSettings> }[];
}

export function configuredQueues(toml: string): ConfiguredQueues {
  const doc = parse(toml) as { queues?: { producers?: { binding: string; queue: string }[]; consumers?: ({ queue: string } & Partial<ConsumerSettings>)[] } };
  const producers = doc.queues?.producers ?? [];
  const consumers = doc.queues?.consumers ?? [];
  const queues: ConfiguredQueues["queues"] = [];
  for (let i = 0; i < MAX_DELIVERY_QUEUES; i++) {
    const producer = producers.find((p) => p.binding === (i === 0 ? "DELIVERIES" : `DELIVERIES_${i}`));
    if (!producer) break;
    const consumer = consumers.find((c) => c.queue === producer.queue);
    queues.push({ binding: producer.binding, queue: producer.queue, ...(consumer && { consumer }) });
  }
  return { queues };
}

/** Where a wrangler.toml's delivery queues fall short of the plan. */
export function queueWarnings(configured: ConfiguredQueues, plan: QueuePlan): string[] {
  const warnings: string[] = [];
  const count = configured.queues.length;
  if (count < plan.queues) {
    warnings.push(
      `wrangler.toml binds ${count} delivery queue${count === 1 ? "" : "s"} (DELIVERIES…), ${plan.queues} are needed for ${Math.round(plan.messagesPerSecond).toLocaleString("en-US")} messages a second at the peak (npm run setup -- --per-day N prints the blocks to add)`,
    );
  }
  for (const q of configured.queues) {
    if (!q.consumer) warnings.push(`${q.queue} (${q.binding}) has no consumer in wrangler.toml: its messages would never be delivered`);
    else if (
      (q.consumer.max_batch_size ?? 10) * (q.consumer.max_concurrency ?? QUEUE_LIMITS.maxConcurrency) <
      plan.consumer.max_batch_size * plan.consumer.max_concurrency
    ) {
      warnings.push(
        `${q.queue}'s consumer drains batches of ${q.consumer.max_batch_size ?? 10} at a concurrency of ${q.consumer.max_concurrency ?? "the platform's choice"}: set max_batch_size = ${plan.consumer.max_batch_size} and max_concurrency = ${plan.consumer.max_concurrency}`,
      );
    }
  }
  return warnings;
}
