import { unroutedDeadLetter } from "../deadletters/build";
import { putDeadLetter } from "../deadletters/store";
import type { Envelope } from "../envelope";
import { markSeen } from "../ledger/kv-marks";
import { FollowUp } from "../queue/messages";
import type { PlannedMessage } from "./plan";

/**
 * Per-notification KV writes that a large batch cannot make inside its own request (a Worker
 * invocation may make 1,000 binding operations): they travel as queue messages in the same
 * queue as the deliveries, sent after them, and the delivery consumer does them. The shapes are
 * the queue's (src/queue/messages.ts).
 *
 * - `unrouted`: one envelope no route matched, kept by the consumer as an `unrouted` dead letter.
 * - `mark`: ids to mark as seen in DEDUP KV. Only gateways before the ledger sent these; one
 *   still queued at the upgrade is done as it was.
 *
 * A request keeps up to DIRECT_WRITES unrouted envelopes itself; past that, all go as follow-ups.
 */

export { FollowUp };

export const DIRECT_WRITES = 10;

export function unroutedMessage(source: string, envelope: Envelope, envelopeSize: number): PlannedMessage<FollowUp> {
  return { body: { v: 1, task: "unrouted", source, envelope }, size: envelopeSize + 64 };
}

/** Whether a queue message is a follow-up rather than a delivery. */
export function isFollowUp(body: unknown): boolean {
  return typeof body === "object" && body !== null && "task" in body;
}

/** Does one follow-up; throws when KV does, so the message is retried. */
export async function runFollowUp(body: unknown, env: { DEDUP: KVNamespace; STATE: KVNamespace }, deadLetterTtlDays: number): Promise<void> {
  const followUp = FollowUp.parse(body);
  if (followUp.task === "mark") {
    await markSeen(env.DEDUP, followUp.marks, followUp.ttlSeconds);
    return;
  }
  const record = await unroutedDeadLetter(followUp.envelope, followUp.source, Date.parse(followUp.envelope.receivedat));
  await putDeadLetter(env.STATE, record, deadLetterTtlDays);
}
