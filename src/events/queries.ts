import * as z from "zod";
import { unroutedDeadLetterId } from "../deadletters/record";
import { getDeadLetter } from "../deadletters/store";
import { Attempt, envelopeKeyFor } from "../delivery/message";
import { Envelope } from "../envelope";
import { DeliveryAction, type EventDetail, type EventQuery, EventRequest, EventState, type EventSummary, RouteState } from "./schema";

interface EventRow {
  seq: number;
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  received_at: number;
  state: string;
  deliveries: string;
}

const Deliveries = z.record(z.string(), z.object({ state: RouteState, attempts: z.array(Attempt).default([]), actions: z.array(DeliveryAction).optional() }));
type Deliveries = z.infer<typeof Deliveries>;

/** Newest first; `cursor` is the `seq` the previous page ended above. */
export async function listEvents(db: D1Database, query: EventQuery): Promise<{ events: EventSummary[]; cursor?: string }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (query.q !== undefined) add("(id = ? OR subject = ?)", query.q, query.q);
  if (query.source !== undefined) add("source = ?", query.source);
  if (query.type !== undefined) add("type = ?", query.type);
  if (query.subject !== undefined) add("subject = ?", query.subject);
  if (query.state !== undefined) add("state = ?", query.state);
  if (query.since !== undefined) add("received_at >= ?", Date.parse(query.since));
  if (query.until !== undefined) add("received_at <= ?", Date.parse(query.until));
  if (query.cursor !== undefined) add("seq < ?", Number(query.cursor));
  const sql = `SELECT seq, id, source, type, subject, time, received_at, state, deliveries FROM events
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
  const { results } = await db
    .prepare(sql)
    .bind(...params, query.limit + 1)
    .all<EventRow>();
  const page = results.slice(0, query.limit);
  const events = page.map(summary);
  const last = page.at(-1);
  return results.length > query.limit && last ? { events, cursor: String(last.seq) } : { events };
}

function summary(row: EventRow): EventSummary {
  const deliveries = Deliveries.safeParse(JSON.parse(row.deliveries));
  const routes = deliveries.success ? Object.fromEntries(Object.entries(deliveries.data).map(([id, d]) => [id, d.state])) : {};
  const event: EventSummary = {
    id: row.id,
    source: row.source,
    type: row.type,
    time: row.time,
    receivedat: new Date(row.received_at).toISOString(),
    state: EventState.catch("pending").parse(row.state),
    routes,
  };
  if (deliveries.success) event.deliveries = progressOf(deliveries.data);
  if (row.subject !== null) event.subject = row.subject;
  return event;
}

/** Per route: attempts so far, the last status and, while it waits to retry, when it is tried next. */
function progressOf(deliveries: Deliveries): NonNullable<EventSummary["deliveries"]> {
  return Object.fromEntries(
    Object.entries(deliveries).map(([routeId, d]) => {
      const last = d.attempts.at(-1);
      const progress: NonNullable<EventSummary["deliveries"]>[string] = { state: d.state, attempts: d.attempts.length };
      if (last?.status !== undefined) progress.lastStatus = last.status;
      if (d.state === "pending" && last?.retryAt !== undefined) progress.nextAttemptAt = last.retryAt;
      return [routeId, progress];
    }),
  );
}

/** One event's envelope and timeline; undefined when the log has no such envelope. */
export async function getEvent(db: D1Database, kv: KVNamespace, id: string): Promise<EventDetail | undefined> {
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
    deliveries: deliveries.success
      ? Object.entries(deliveries.data).map(([routeId, d]) => ({ routeId, state: d.state, attempts: d.attempts, ...(d.actions && { actions: d.actions }) }))
      : [],
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

/** The envelope and the routes it has, for a redeliver. */
export async function eventEnvelope(db: D1Database, kv: KVNamespace, id: string): Promise<{ envelope: Envelope | undefined; routeIds: string[] } | undefined> {
  const detail = await getEvent(db, kv, id);
  if (!detail) return undefined;
  return { envelope: detail.event, routeIds: detail.deliveries.map((d) => d.routeId) };
}
