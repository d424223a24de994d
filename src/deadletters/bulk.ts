import * as z from "zod";
import type { GatewayConfig } from "../config/schema";
import { deliveryQueueFor } from "../delivery/queues";
import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { Recorder } from "../ledger/recorder";
import { log } from "../log";
import { REPLAY_CHUNK, ReplayMessage } from "../queue/messages";
import { DeadLetterSummary } from "./record";
import { type Replayed, replayDeadLetter } from "./replay";
import { type DeadLetterFilter, getDeadLetter, listDeadLetters } from "./store";
import { isLedgerUnroutedId, listUnrouted, replayLedgerUnrouted } from "./unrouted";

/**
 * `POST /admin/dead-letters/replay`: every dead letter matching a filter, replayed once, the work
 * spread so that no invocation passes the platform's limits (1,000 KV operations and 1,000
 * subrequests). The admin call only lists (summaries come with KV's list, 1,000 a call) and
 * enqueues replay messages of REPLAY_CHUNK ids each; the delivery consumer replays them.
 *
 * Budget: the admin call makes at most MAX_LIST_PAGES list calls plus one sendBatch per 100
 * messages. A consumer batch (25 messages at most) replays at most MAX_REPLAYS_PER_BATCH (10) of
 * them, the rest sent again a moment later: 10 × REPLAY_CHUNK records at 5 operations each (read
 * the record, read the added routes, mark it replaying: a list and two writes with its time
 * index, send): 750 of the 1,000. The test counts them.
 *
 * A quarantined record is replayed alone in its message, and one a consumer batch at most
 * (isHeavyReplay): reading it again accepts a whole request.
 *
 * Replayed once: a replay marks a delivery dead letter `replaying` (a second replay of it is
 * refused) and removes an unrouted or quarantined one once enqueued, so a replay message that
 * Queues delivers twice finds nothing left to do for the ids it already handled.
 */
export { REPLAY_CHUNK };

/** The replay messages one consumer invocation takes (its batch may hold 25). */
export const MAX_REPLAYS_PER_BATCH = 10;

const MAX_LIST_PAGES = 200;
const SEND_BATCH_MESSAGES = 100;

export const BulkReplayBody = z
  .object({
    source: z.string().optional(),
    route: z.string().optional(),
    kind: DeadLetterSummary.shape.kind.optional(),
    reason: z.string().optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type BulkReplayBody = z.infer<typeof BulkReplayBody>;

export const BulkReplayAnswer = z.object({
  replaying: z.number().int().describe("How many dead letters were queued for replay"),
  cursor: z.string().optional().describe("Set when more records remain than one call lists: call again with the same filter and this cursor"),
});

export { ReplayMessage };

export function isReplayMessage(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "replay";
}

/**
 * A quarantined request replayed is a whole request again (up to 10,000 notifications, a few
 * hundred binding operations): a consumer batch takes at most one, and hands the others back.
 */
export function isHeavyReplay(body: unknown): boolean {
  return isReplayMessage(body) && (body as { heavy?: unknown }).heavy === true;
}
export const HEAVY_REPLAY_DELAY_SECONDS = 5;

export async function startBulkReplay(
  env: Bindings,
  config: GatewayConfig,
  filter: DeadLetterFilter,
  cursor?: string,
): Promise<z.infer<typeof BulkReplayAnswer>> {
  const ids: string[] = [];
  const quarantined: string[] = [];
  let next = cursor;
  // Unrouted envelopes are the ledger's (unrouted.ts): a page of up to 200 a call, fanned out over its shards.
  const fromLedger = filter.kind === "unrouted" && config.eventLog.enabled && env.LEDGER !== undefined;
  for (let page = 0; page < (fromLedger ? 1 : MAX_LIST_PAGES); page++) {
    const listed = fromLedger
      ? await listUnrouted(env, config, { ...filter, cursor: next, limit: 200 })
      : await listDeadLetters(env.STATE, { ...filter, cursor: next, limit: 1000 });
    for (const d of listed.deadLetters) (d.kind === "quarantine" ? quarantined : ids).push(d.id);
    next = listed.cursor;
    if (next === undefined) break;
  }
  const messages: ReplayMessage[] = quarantined.map((id) => ({ v: 1, kind: "replay", deadLetterIds: [id], heavy: true }));
  for (let i = 0; i < ids.length; i += REPLAY_CHUNK) messages.push({ v: 1, kind: "replay", deadLetterIds: ids.slice(i, i + REPLAY_CHUNK) });
  try {
    for (let i = 0; i < messages.length; i += SEND_BATCH_MESSAGES) {
      // A chunk's queue by its first dead letter: chunks spread over the delivery queues like notifications.
      const chunk = messages.slice(i, i + SEND_BATCH_MESSAGES);
      await deliveryQueueFor(env, chunk[0]!.deadLetterIds[0] ?? "").sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
    }
  } catch {
    // Some chunks may be queued: replaying again is safe, each record is replayed once.
    throw GatewayError.unavailable("the replay could not be queued in full; call again (what was queued is not replayed twice)");
  }
  const replaying = ids.length + quarantined.length;
  return next === undefined ? { replaying } : { replaying, cursor: next };
}

/** A replay message: each of its dead letters replayed, what is gone or under way skipped. */
export async function handleReplayMessage(
  message: Message<unknown>,
  env: Bindings,
  config: GatewayConfig,
  now: () => number,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<void> {
  const parsed = ReplayMessage.safeParse(message.body);
  if (!parsed.success) {
    log({ event: "replay_message_unreadable", messageId: message.id });
    message.ack();
    return;
  }
  const events = Recorder.for(env, config);
  const at = new Date(now());
  let replayed = 0;
  let skipped = 0;
  for (const id of parsed.data.deadLetterIds) {
    if (isLedgerUnroutedId(id)) {
      try {
        recordReplay(events, "unrouted", await replayLedgerUnrouted(env, config, id, at, waitUntil));
        replayed++;
      } catch (error) {
        // Replayed already (no longer unrouted), gone, or still no route: nothing to send.
        if (!(error instanceof GatewayError) || (error.code !== "conflict" && error.code !== "not_found")) throw error;
        skipped++;
      }
      continue;
    }
    const record = await getDeadLetter(env.STATE, id);
    if (!record) {
      skipped++;
      continue;
    }
    try {
      recordReplay(events, record.kind, await replayDeadLetter(env, config, record, at, waitUntil, events));
      replayed++;
    } catch (error) {
      // Under way already, its route gone, still unreadable: the record stays for an operator.
      if (!(error instanceof GatewayError) || error.code !== "conflict") throw error;
      skipped++;
    }
  }
  waitUntil(events.flush(at));
  log({ event: "replay_chunk", messageId: message.id, replayed, skipped });
  message.ack();
}

/** Routes a delivery or unrouted dead letter went to again; a quarantined one is recorded as it is accepted. */
export function recordReplay(events: Recorder, kind: string, replayed: Replayed): void {
  if (kind === "quarantine") return;
  for (const id of replayed.ids) events.redelivering(id, replayed.routes, "replayed");
}
