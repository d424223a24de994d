import * as z from "zod";
import { utf8Length } from "../bytes";
import { unroutedDeadLetter } from "../deadletters/build";
import { putDeadLetter } from "../deadletters/store";
import { type Mark, markSeen } from "../dedup/kv";
import { Envelope } from "../envelope";
import type { PlannedMessage } from "./plan";

/**
 * Per-notification KV writes that a large batch cannot make inside its own request (a Worker
 * invocation may make 1,000 binding operations): they travel as queue messages in the same
 * queue as the deliveries, sent after them, and the delivery consumer does them.
 *
 * - `mark`: up to 50 ids to mark as seen. Being in the queue, it was sent only after every
 *   delivery message of the request was: "marked only after the enqueue" holds.
 * - `unrouted`: one envelope no route matched, kept by the consumer as an `unrouted` dead letter.
 *
 * A request makes up to DIRECT_WRITES of each itself (the common, small request keeps its
 * marker written at once); past that, all of them go as follow-ups.
 */
export const FollowUp = z.discriminatedUnion("task", [
  z.object({
    v: z.literal(1),
    task: z.literal("mark"),
    marks: z.array(z.object({ key: z.string().min(1), id: z.string().min(1) })).min(1),
    ttlSeconds: z.number().int().min(60),
  }),
  z.object({ v: z.literal(1), task: z.literal("unrouted"), source: z.string().min(1), envelope: Envelope }),
]);
export type FollowUp = z.infer<typeof FollowUp>;

export const DIRECT_WRITES = 10;
/** A consumer batch holds up to 10 messages: ten mark messages are 500 KV writes, inside the limit. */
export const MARK_IDS_PER_MESSAGE = 50;

export function markMessages(marks: Mark[], ttlSeconds: number): PlannedMessage<FollowUp>[] {
  const out: PlannedMessage<FollowUp>[] = [];
  for (let i = 0; i < marks.length; i += MARK_IDS_PER_MESSAGE) {
    out.push(sized({ v: 1, task: "mark", marks: marks.slice(i, i + MARK_IDS_PER_MESSAGE), ttlSeconds }));
  }
  return out;
}

export function unroutedMessage(source: string, envelope: Envelope, envelopeSize: number): PlannedMessage<FollowUp> {
  return { body: { v: 1, task: "unrouted", source, envelope }, size: envelopeSize + 64 };
}

function sized(body: FollowUp): PlannedMessage<FollowUp> {
  return { body, size: utf8Length(JSON.stringify(body)) };
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
