import * as z from "zod";
import { unroutedDeadLetterId } from "../deadletters/record";
import { getDeadLetter } from "../deadletters/store";
import { Attempt, envelopeKeyFor } from "../delivery/message";
import { Envelope } from "../envelope";
import { type EventDetail, EventRequest, EventState, RouteState } from "./schema";

/**
 * The D1 event log of gateways before the ledger: its rows stay readable by id until they age out
 * (`eventLog.retentionDays` after the upgrade, pruned by the same Cron Trigger). Nothing new is
 * written to its `events` table.
 */
const Deliveries = z.record(z.string(), z.object({ state: RouteState, attempts: z.array(Attempt).default([]) }));

/** One event's envelope and timeline; undefined when the log has no such envelope. */
export async function getLegacyEvent(db: D1Database, kv: KVNamespace, id: string): Promise<EventDetail | undefined> {
  const row = await db
    .prepare("SELECT state, envelope, requests, deliveries FROM events WHERE id = ?1")
    .bind(id)
    .first<{ state: string; envelope: string | null; requests: string; deliveries: string }>();
  if (!row) return undefined;
  const deliveries = Deliveries.safeParse(JSON.parse(row.deliveries));
  const requests = z.array(EventRequest).safeParse(JSON.parse(row.requests));
  const detail: EventDetail = {
    state: EventState.catch("pending").parse(row.state),
    requests: requests.success ? requests.data : [],
    deliveries: deliveries.success ? Object.entries(deliveries.data).map(([routeId, d]) => ({ routeId, state: d.state, attempts: d.attempts })) : [],
  };
  const envelope = row.envelope !== null ? parseEnvelope(row.envelope) : await envelopeElsewhere(kv, id);
  if (envelope) detail.event = envelope;
  return detail;
}

/** Too large for a row: stored aside where delivery reads it, or kept in its unrouted dead letter. */
async function envelopeElsewhere(kv: KVNamespace, id: string): Promise<Envelope | undefined> {
  const stored = await kv.get(envelopeKeyFor(id), "text");
  if (stored !== null) return parseEnvelope(stored);
  return (await getDeadLetter(kv, await unroutedDeadLetterId(id)))?.envelope;
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const parsed = Envelope.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
