import { utf8Length } from "../bytes";
import type { LedgerConfig } from "../config/ledger";
import { type DeliveryMessage, envelopeKeyFor, MAX_INLINE_ENVELOPE_BYTES } from "../delivery/message";
import { type Envelope, envelopeJson } from "../envelope";
import type { AcceptedEnvelope } from "../ledger/claim";
import { passesFilter, routeMatches } from "../routing/match";
import type { RoutingRule } from "../routing/store";

/** A queue message and the bytes it takes of a batch's budget. */
export interface PlannedMessage<T = DeliveryMessage> {
  body: T;
  size: number;
}

/** What accepting a set of envelopes comes to, before any I/O. */
export interface DeliveryPlan {
  /** One per (envelope, matching route). */
  messages: PlannedMessage[];
  /** Envelopes too large for a message, stored whole in STATE before the messages are sent. */
  aside: { key: string; json: string }[];
  /** Envelopes no route's events and sources matched: kept as `unrouted` dead letters so a route added later can take them. */
  unrouted: { envelope: Envelope; size: number }[];
  /**
   * Each envelope with the routes it is queued for, and the routes whose events and sources
   * matched but whose filter did not (`filtered`: recorded, never queued). An envelope every
   * matching route filtered out is neither unrouted nor a dead letter.
   */
  routed: AcceptedEnvelope[];
  /** Set when the envelopes would need more KV writes at ingest than one request may make. */
  overBudget?: string;
}

/**
 * What a request may write to KV, one key per envelope, before its messages are sent: an
 * envelope too large for a message is stored aside (and a large unrouted one kept whole).
 * Distinct items are bounded by the body (10 MiB at most is about 107 such envelopes); the
 * bound matters when one item is copied into many envelopes.
 */
export const MAX_LARGE_ENVELOPES = 100;
export const MAX_LARGE_ENVELOPE_BYTES = 32 * 1024 * 1024;

/** Workers' paid plan: 1,000 subrequests an invocation; KV, Queues, Durable Object and D1 calls all count. */
export const MAX_OPERATIONS_PER_REQUEST = 1000;
/**
 * What a request spends besides the writes and sends counted before its enqueue, whatever its
 * size: the route and pin reads, the event log's D1 write and the metrics', a quarantine and
 * its announcement.
 */
export const BASE_RESERVED_OPERATIONS = 50;

/**
 * Everything a request of `keys` notifications spends besides its writes and sends: the base,
 * the ledger's reserve and confirm in each shard its keys fall in (both counts while an old
 * shard count is still consulted), and one bulk read of the old KV marks per 100 keys while
 * they are (docs/limits.md). With the default 16 shards: at most 82.
 */
export function reservedOperations(keys: number, ledger: LedgerConfig, now: number): number {
  const previous =
    ledger.previousShards !== undefined && ledger.previousShardsUntil !== undefined && now < Date.parse(ledger.previousShardsUntil) ? ledger.previousShards : 0;
  const ledgerCalls = 2 * Math.min(keys, ledger.shards) + Math.min(keys, previous);
  const kvReads = ledger.kvMarksUntil !== undefined && now < Date.parse(ledger.kvMarksUntil) ? Math.ceil(keys / 100) : 0;
  return BASE_RESERVED_OPERATIONS + ledgerCalls + kvReads;
}

/**
 * Why a request cannot make its writes and `sendBatch` calls within one invocation besides the
 * `reserved` operations it makes anyway, or undefined when it can. Counted before the first is
 * made: a request that fails part-way leaves its early batches queued (docs/limits.md).
 */
export function operationsOverBudget({ writes, sends, reserved }: { writes: number; sends: number; reserved: number }): string | undefined {
  const budget = MAX_OPERATIONS_PER_REQUEST - reserved;
  const total = writes + sends;
  if (total <= budget) return undefined;
  return `the request would make ${total} binding operations, more than the ${budget} one invocation may make besides its reads and the ledger's calls (${sends} sendBatch calls)`;
}

/** Queues takes at most 100 messages and 256 KB in one sendBatch. */
const BATCH_MAX_MESSAGES = 100;
const BATCH_MAX_BYTES = 250 * 1024;
/** What a message adds around its envelope (route, source, attempts), and the size of one that carries a key. */
const MESSAGE_OVERHEAD_BYTES = 256;
const KEYED_MESSAGE_BYTES = 512;

/**
 * One message per (envelope, matching route whose filter it passes); an envelope too large for a
 * message goes aside. `chosen` routes are taken as they are, without matching or filters (an
 * operator's redeliver).
 */
export function planDelivery(source: string, envelopes: Envelope[], routes: RoutingRule[], chosen = false): DeliveryPlan {
  const plan: DeliveryPlan = { messages: [], aside: [], unrouted: [], routed: [] };
  let large = 0;
  let largeBytes = 0;
  for (const envelope of envelopes) {
    const candidates = chosen ? routes : routes.filter((route) => routeMatches(route, source, envelope));
    const matching = chosen ? candidates : candidates.filter((route) => passesFilter(route, envelope));
    const filteredRouteIds = candidates.filter((route) => !matching.includes(route)).map((r) => r.id);
    plan.routed.push({ envelope, routeIds: matching.map((r) => r.id), filteredRouteIds });
    const { json, size } = asJson(envelope);
    const inline = size <= MAX_INLINE_ENVELOPE_BYTES;
    if (!inline) {
      large += 1;
      largeBytes += size;
      if (large > MAX_LARGE_ENVELOPES || largeBytes > MAX_LARGE_ENVELOPE_BYTES) {
        return { ...plan, overBudget: `more than ${MAX_LARGE_ENVELOPES} envelopes or ${MAX_LARGE_ENVELOPE_BYTES} bytes too large for a queue message` };
      }
    }
    if (candidates.length === 0) {
      plan.unrouted.push({ envelope, size });
      continue;
    }
    if (matching.length === 0) continue;
    const key = envelopeKeyFor(envelope.id);
    if (!inline) plan.aside.push({ key, json });
    for (const route of matching) {
      const carried = inline ? { envelope } : { envelopeKey: key };
      plan.messages.push({
        body: { v: 1, routeId: route.id, source, attempts: [], ...carried },
        size: inline ? size + MESSAGE_OVERHEAD_BYTES : KEYED_MESSAGE_BYTES,
      });
    }
  }
  return plan;
}

/** The envelope as JSON (made once: see envelopeJson) and its exact size in bytes (the size also fills the batch budget). */
export function asJson(envelope: Envelope): { json: string; size: number } {
  const json = envelopeJson(envelope);
  return { json, size: utf8Length(json) };
}

/** Splits messages into sendBatch calls within Queues' limits. */
export function batches<T extends { size: number }>(items: T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length === BATCH_MAX_MESSAGES || bytes + item.size > BATCH_MAX_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
