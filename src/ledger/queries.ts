import * as z from "zod";
import type { GatewayConfig } from "../config/schema";
import { unroutedDeadLetterId } from "../deadletters/record";
import { getDeadLetter } from "../deadletters/store";
import { envelopeKeyFor } from "../delivery/message";
import type { Bindings } from "../env";
import { Envelope } from "../envelope";
import { ledgerNamespace } from "./claim";
import { getLegacyEvent } from "./legacy";
import { type Deliveries, parseJson, progressOf } from "./rows";
import type { FoundRow, Position, ShardPage, SummaryRow } from "./scan";
import { type EventDetail, type EventQuery, EventRequest, EventState, type EventSummary, RouteState } from "./schema";
import { allShards, keyOfId, shardOf, shardStub } from "./shard";
import { boundedText } from "./writes";

/** Rows a shard examines at most for one page: the bound on what a filter without an index costs (docs/event-log.md). */
export const SCAN_BUDGET = 2_500;

/** The position of every shard still to be read; base64url JSON, opaque to callers. `[]`: from its newest row. */
type Cursor = Record<number, [string, number] | []>;

/**
 * `GET /admin/events`: an id (or `q` that is one) goes to the one shard that keeps it, by the key
 * index; everything else fans out to every shard in parallel and is merged newest first.
 */
export async function listEvents(env: Bindings, config: GatewayConfig, query: EventQuery): Promise<{ events: EventSummary[]; cursor?: string }> {
  const wanted = query.id ?? query.q;
  if (wanted !== undefined && query.cursor === undefined) {
    const rows = (await findById(env, config, wanted, query.limit)).filter((row) => matches(row, query));
    if (rows.length > 0 || query.id !== undefined) return { events: rows.map(summary) };
  }
  if (query.id !== undefined) return { events: [] };
  // `q` that is no id: the search index (a subject, a provider's id, a business key), one page.
  if (query.q !== undefined) return { events: await searchEvents(env, config, query.q, query) };
  // Stored cut when long (writes.ts): the query is cut the same way.
  const subject = query.subject === undefined ? undefined : boundedText(query.subject);
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, allShards(config.ledger).length);
  const shards = cursor === undefined ? allShards(config.ledger) : Object.keys(cursor).map(Number);
  const namespace = ledgerNamespace(env);
  const pages = await Promise.all(
    shards.map(async (shard) => {
      const at = cursor?.[shard];
      const position: Position | undefined = at && at.length === 2 ? { day: at[0], seq: at[1] } : undefined;
      const page = await shardStub(namespace, config.ledger, shard).list({
        source: query.source,
        type: query.type,
        state: query.state,
        subject,
        route: query.route,
        since: query.since === undefined ? undefined : Date.parse(query.since),
        until: query.until === undefined ? undefined : Date.parse(query.until),
        position,
        limit: query.limit,
        budget: SCAN_BUDGET,
      });
      return { shard, position, page };
    }),
  );
  return merge(pages, query.limit);
}

/**
 * Newest first across shards. A shard whose budget ran out has not looked below its floor, so
 * nothing older than the highest such floor is returned yet: the next page picks up from there.
 */
function merge(pages: { shard: number; position?: Position; page: ShardPage }[], limit: number) {
  const floor = Math.max(...pages.map((p) => p.page.floor ?? Number.NEGATIVE_INFINITY));
  const all = pages
    .flatMap(({ shard, page }) => page.rows.map((row) => ({ shard, row })))
    .filter(({ row }) => row.received_at >= floor)
    .sort((a, b) => b.row.received_at - a.row.received_at || b.row.seq - a.row.seq);
  const taken = all.slice(0, limit);
  const cursor: Cursor = {};
  for (const { shard, position, page } of pages) {
    const mine = taken.filter((t) => t.shard === shard);
    const returned = page.rows.length;
    if (mine.length > 0 && mine.length < returned) {
      const last = mine.at(-1)!.row;
      cursor[shard] = [last.day, last.seq];
    } else if (mine.length === returned && returned > 0) {
      if (page.next) cursor[shard] = [page.next.day, page.next.seq];
    } else if (returned === 0) {
      if (page.next) cursor[shard] = [page.next.day, page.next.seq];
    } else {
      // None of its rows were taken: it starts again where it did.
      cursor[shard] = position ? [position.day, position.seq] : [];
    }
  }
  const events = taken.map(({ row }) => summary(row));
  return Object.keys(cursor).length > 0 ? { events, cursor: encodeCursor(cursor) } : { events };
}

/**
 * Every shard's rows indexed under `q`, in parallel, merged newest first: the rows are found by
 * the index, not a scan (docs/event-log.md, "Search"), so one page of `limit` answers it.
 */
async function searchEvents(env: Bindings, config: GatewayConfig, term: string, query: EventQuery): Promise<EventSummary[]> {
  const namespace = ledgerNamespace(env);
  const found = await Promise.all(allShards(config.ledger).map((shard) => shardStub(namespace, config.ledger, shard).search(term, query.limit)));
  return found
    .flat()
    .filter((row) => matches(row, query))
    .sort((a, b) => b.received_at - a.received_at || b.seq - a.seq)
    .slice(0, query.limit)
    .map(summary);
}

/** Rows for an id: the envelope id, or a recurring notification's id without its @window suffix. */
async function findById(env: Bindings, config: GatewayConfig, id: string, limit: number): Promise<FoundRow[]> {
  const namespace = ledgerNamespace(env);
  const candidates = [...new Set([id, keyOfId(id)])];
  const counts = [config.ledger.shards, ...(config.ledger.previousShards === undefined ? [] : [config.ledger.previousShards])];
  const shards = [...new Set(counts.flatMap((n) => candidates.map((c) => shardOf(c, n))))];
  const found = await Promise.all(shards.map((shard) => shardStub(namespace, config.ledger, shard).find(candidates, limit)));
  return found
    .flat()
    .filter((row) => row.id === id || row.key === id || keyOfId(row.id) === id)
    .sort((a, b) => b.received_at - a.received_at)
    .slice(0, limit);
}

function matches(row: SummaryRow, query: EventQuery): boolean {
  if (query.source !== undefined && row.source !== query.source) return false;
  if (query.type !== undefined && row.type !== query.type) return false;
  if (query.state !== undefined && row.state !== query.state) return false;
  if (query.subject !== undefined && row.subject !== boundedText(query.subject)) return false;
  if (query.since !== undefined && row.received_at < Date.parse(query.since)) return false;
  if (query.until !== undefined && row.received_at > Date.parse(query.until)) return false;
  return query.route === undefined || Object.hasOwn(parseJson<Deliveries>(row.deliveries, {}), query.route);
}

const StoredDeliveries = z.record(
  z.string(),
  z.object({ state: RouteState, attempts: z.array(z.unknown()).default([]), actions: z.array(z.unknown()).optional() }).loose(),
);

function deliveriesOf(row: SummaryRow): Deliveries {
  const parsed = StoredDeliveries.safeParse(parseJson(row.deliveries, {}));
  return parsed.success ? (parsed.data as Deliveries) : {};
}

function summary(row: SummaryRow): EventSummary {
  const deliveries = deliveriesOf(row);
  const event: EventSummary = {
    id: row.id,
    source: row.source,
    type: row.type,
    time: row.time,
    receivedat: new Date(row.received_at).toISOString(),
    state: EventState.catch("pending").parse(row.state),
    routes: Object.fromEntries(Object.entries(deliveries).map(([id, d]) => [id, d.state])),
    deliveries: progressOf(deliveries),
  };
  if (row.subject !== null) event.subject = row.subject;
  return event;
}

/** One event's envelope and timeline; undefined when neither the ledger nor the old D1 log has it. */
export async function getEvent(env: Bindings, config: GatewayConfig, id: string): Promise<EventDetail | undefined> {
  const row = (await findById(env, config, id, 10)).find((r) => r.id === id);
  if (!row) return env.EVENTS ? getLegacyEvent(env.EVENTS, env.STATE, id).catch(() => undefined) : undefined;
  const deliveries = deliveriesOf(row);
  const requests = z.array(EventRequest).safeParse(parseJson(row.requests, []));
  const detail: EventDetail = {
    state: EventState.catch("pending").parse(row.state),
    requests: requests.success ? requests.data : [],
    deliveries: Object.entries(deliveries).map(([routeId, d]) => ({
      routeId,
      state: d.state,
      attempts: d.attempts,
      ...(d.actions && d.actions.length > 0 && { actions: d.actions }),
    })),
  };
  const envelope = row.envelope !== null ? parseEnvelope(row.envelope) : await envelopeElsewhere(env.STATE, id);
  if (envelope) detail.event = envelope;
  return detail;
}

/** The envelope and the routes it has, for a redeliver. */
export async function eventEnvelope(
  env: Bindings,
  config: GatewayConfig,
  id: string,
): Promise<{ envelope: Envelope | undefined; routeIds: string[] } | undefined> {
  const detail = await getEvent(env, config, id);
  if (!detail) return undefined;
  return { envelope: detail.event, routeIds: detail.deliveries.filter((d) => d.state !== "filtered").map((d) => d.routeId) };
}

/** Too large for a row: stored aside where delivery reads it, or kept in its unrouted dead letter. */
async function envelopeElsewhere(kv: KVNamespace, id: string): Promise<Envelope | undefined> {
  const stored = await kv.get(envelopeKeyFor(id), "text");
  if (stored !== null) return parseEnvelope(stored);
  return (await getDeadLetter(kv, await unroutedDeadLetterId(id)))?.envelope;
}

export function parseEnvelope(text: string): Envelope | undefined {
  const parsed = Envelope.safeParse(parseJson<unknown>(text, undefined));
  return parsed.success ? parsed.data : undefined;
}

function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

const CursorShape = z.record(z.string().regex(/^(0|[1-9]\d{0,2})$/), z.union([z.tuple([z.string().regex(/^\d{8}$/), z.number().int()]), z.tuple([])]));

/** A cursor names only shards the ledger has (each once, canonically): a forged one cannot make a query call others. */
function decodeCursor(text: string, shards: number): Cursor {
  try {
    const parsed = CursorShape.safeParse(JSON.parse(atob(text.replaceAll("-", "+").replaceAll("_", "/"))));
    if (parsed.success && Object.keys(parsed.data).every((key) => Number(key) < shards)) return parsed.data as Cursor;
  } catch {
    // falls through
  }
  throw new CursorError();
}

export class CursorError extends Error {
  constructor() {
    super("cursor: must be a cursor from an earlier page");
  }
}
