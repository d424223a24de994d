import type { Attempt } from "../delivery/message";
import type { DeliveryProgress, EventRequest, EventState, OperatorAction, RouteState } from "./schema";

/**
 * The ledger's rows as plain data, and the pure steps that change them. A shard reads a row,
 * changes it here and writes it back with one UPDATE of unindexed columns: one row written.
 */

export interface StoredDelivery {
  state: RouteState;
  attempts: Attempt[];
  actions?: OperatorAction[];
}
export type Deliveries = Record<string, StoredDelivery>;

/** An accepted envelope as a shard keeps it with the event log on. */
export interface EventRow {
  key: string;
  id: string;
  source: string;
  type: string;
  subject: string | null;
  time: string;
  receivedAt: number;
  /** The envelope's JSON; null when it is too large for a row (it lives in STATE KV then). */
  envelope: string | null;
  requests: EventRequest[];
  deliveries: Deliveries;
  /** What the row is found by besides its id: its subject and the adapter's search keys (bounded, distinct). */
  terms?: string[];
}

/** With the event log off a shard keeps the mark alone. */
export interface MarkRow {
  key: string;
  id: string;
  receivedAt: number;
}

/** A route's new state for one envelope, with the attempt made or the operator's action. */
export interface RouteUpdate {
  key: string;
  id: string;
  receivedAt?: number;
  routeId: string;
  state: RouteState;
  attempt?: Attempt;
  action?: OperatorAction;
}

export function eventState(deliveries: Deliveries): EventState {
  const states = Object.values(deliveries).map((d) => d.state);
  if (states.length === 0) return "unrouted";
  if (states.includes("dead")) return "dead";
  if (states.every((s) => s === "filtered")) return "filtered";
  if (states.every((s) => s === "delivered" || s === "filtered")) return "delivered";
  return "pending";
}

/** The update applied to a copy of `deliveries`; a route the row did not have joins it. */
export function applyUpdate(deliveries: Deliveries, update: RouteUpdate): Deliveries {
  const before = deliveries[update.routeId] ?? { state: "pending" as const, attempts: [] };
  const after: StoredDelivery = { ...before, state: update.state };
  if (update.attempt) after.attempts = [...before.attempts, update.attempt];
  if (update.action) after.actions = [...(before.actions ?? []), update.action];
  return { ...deliveries, [update.routeId]: after };
}

/**
 * An envelope accepted again (a replay, a redeliver, a notification seen after its window)
 * keeps its row: its requests are appended, new routes join, routes it had keep their state.
 */
export function mergeAccepted(existing: Pick<EventRow, "requests" | "deliveries">, incoming: Pick<EventRow, "requests" | "deliveries">) {
  return {
    requests: [...existing.requests, ...incoming.requests],
    deliveries: { ...incoming.deliveries, ...existing.deliveries },
  };
}

/** What the list shows of each route: "retrying 2 of 8, last 500, next in ~4 min". */
export function progressOf(deliveries: Deliveries): Record<string, DeliveryProgress> {
  return Object.fromEntries(
    Object.entries(deliveries).map(([routeId, d]) => {
      const last = d.attempts.at(-1);
      const progress: DeliveryProgress = { state: d.state, attempts: d.attempts.length };
      if (last?.status !== undefined) progress.lastStatus = last.status;
      if (d.state === "pending" && last?.retryAt !== undefined) progress.nextAttemptAt = last.retryAt;
      return [routeId, progress];
    }),
  );
}

/** Parses a JSON column, falling back when it is unreadable: a damaged row never breaks a page. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
