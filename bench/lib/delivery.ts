/**
 * (d): the gateway's queue consumer delivering to a local sink. K accepted notifications go
 * in at a paced rate (Miniflare's broker fails above about 1,300 messages/s) while the sink
 * holds its answers, so the first batch waits and the rest pile up in the queue; then the
 * sink opens and the clock runs until it has every notification, or the timeout says the
 * run failed. The drain rate is the consumer's, not the ingest pace.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { benchConfig, LIMITS } from "./config";
import { blast, round } from "./load";
import { uniquePool } from "./requests";
import { type ConsumerSettings, GATEWAY_OBJECTS, startSink, startWorker } from "./servers";

/** wrangler.toml's batch size and retries; a 0.1 s batch timeout so the last partial batch does not wait 1 s. */
export const CONSUMER: ConsumerSettings = { maxBatchSize: 25, maxBatchTimeout: 0.1, maxRetries: 5 };

export interface DeliveryResult {
  messages: number;
  ingestRate: number;
  consumer: ConsumerSettings;
  accepted: number;
  /** Requests the sink had before it opened (the first batch, held). */
  heldAtRelease: number;
  received: number;
  distinctIds: number;
  drainSeconds: number;
  deliveredPerSecond: number;
  /**
   * CPU of the worker's workerd process while the queue drained, per message delivered, ms: the
   * consumer alone (ingest was over), with the ledger's objects and Miniflare's queue broker,
   * which run in the same process (an upper bound of the consumer's own).
   */
  cpuMsPerMessage: number;
  complete: boolean;
}

/** `eventLog`: the event log on (the default) with its D1 bound, or off; undefined: no D1 bound, the log's default config. */
export async function measureDelivery(gatewayScript: string, eventLog?: boolean): Promise<DeliveryResult> {
  const sink = await startSink();
  const config = eventLog === undefined ? benchConfig(sink.url) : { ...benchConfig(sink.url), eventLog: { enabled: eventLog } };
  const gateway = await startWorker({
    scriptPath: gatewayScript,
    config,
    bindings: true,
    consumer: CONSUMER,
    objects: GATEWAY_OBJECTS,
    eventLog: eventLog !== undefined,
  });
  const K = LIMITS.deliveryMessages;
  const pool = uniquePool("bench-hmac", K, `delivery-${process.pid}`);

  let accepted = 0;
  await blast(gateway.url, pool, 10, { amount: K, overallRate: LIMITS.deliveryRate }, (status) => {
    if (status === 202) accepted += 1;
  });
  const heldAtRelease = sink.received;
  const cpuAtRelease = gateway.cpuMs();
  const opened = performance.now();
  sink.release();
  const deadline = opened + LIMITS.deliveryTimeoutMs;
  while (sink.received < accepted && performance.now() < deadline) await sleep(10);
  const last = sink.lastAt ?? opened;
  const cpuDrained = gateway.cpuMs() - cpuAtRelease;
  // A moment more, so that a repeated delivery would show up in `received`.
  await sleep(300);

  const drained = sink.received - heldAtRelease;
  const drainSeconds = Math.max(0.001, (last - opened) / 1000);
  return {
    messages: K,
    ingestRate: LIMITS.deliveryRate,
    consumer: CONSUMER,
    accepted,
    heldAtRelease,
    received: sink.received,
    distinctIds: sink.distinctIds,
    drainSeconds: round(drainSeconds, 3),
    deliveredPerSecond: round(drained / drainSeconds, 0),
    cpuMsPerMessage: round(cpuDrained / Math.max(1, drained), 3),
    complete: accepted === K && sink.distinctIds === K,
  };
}
