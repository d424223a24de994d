import type { Bindings } from "../../env";
import { governorOf } from "./client";
import type { ParkItem } from "./parked";
import { byKeyShard } from "./shards";
import type { Ask, Change, Result, RouteState, Settings, Verdict } from "./state";

/**
 * An ordered route's batch in two steps (docs/delivery.md, "Ordered delivery at volume"): each
 * key governor decides the order of its keys (which number is its key's head, which run of
 * numbers may follow it in this batch, which wait behind it or are done), then the route's
 * governor gates every message the order lets go, as it does an unordered route's (pause, the
 * breaker and its probe, concurrency, the rate). A message goes only when both say so.
 */

/** What a key governor is told of the route: its order, and whether runs may chain (not on a rate-limited route). */
function orderSettings(settings: Settings): Settings {
  return { breaker: false, ...(settings.ordered && { ordered: settings.ordered }), ...(settings.rateLimit && { rateLimit: settings.rateLimit }) };
}

/** The route's governor sees no key: its parked rows are let out oldest first, and come back through their key governor. */
function unkeyed<T extends { sequence?: unknown }>(item: T): Omit<T, "sequence"> {
  const { sequence: _, ...rest } = item;
  return rest;
}

/** A release message to ask for: `shard` undefined, the route's governor. */
export interface Wake {
  shard?: number;
  seconds: number;
}

export interface OrderedDecision {
  state: RouteState;
  verdicts: Verdict[];
  rowsWritten: number;
}

export async function decideOrdered(env: Bindings, routeId: string, settings: Settings, asks: Ask[], now: number): Promise<OrderedDecision> {
  const shards = settings.ordered?.shards ?? 1;
  const verdicts: (Verdict | undefined)[] = new Array(asks.length);
  const indexed = asks.map((ask, index) => ({ ask, index }));
  let rowsWritten = 0;
  const groups = byKeyShard(indexed, (x) => x.ask.sequence?.key, shards);
  await Promise.all(
    [...groups].map(async ([shard, mine]) => {
      const answer = await governorOf(env.ROUTE_GOVERNOR, routeId, shard).decide(
        orderSettings(settings),
        mine.map((x) => x.ask),
        now,
        true,
      );
      rowsWritten += answer.rowsWritten;
      mine.forEach((x, j) => {
        verdicts[x.index] = answer.verdicts[j]!;
      });
    }),
  );
  // What the order lets go (and what has no key) is gated by the route.
  const gated = indexed.filter((x) => verdicts[x.index] === undefined || verdicts[x.index]!.kind === "attempt");
  const route = await governorOf(env.ROUTE_GOVERNOR, routeId).decide(
    settings,
    gated.map((x) => unkeyed(x.ask)),
    now,
  );
  gated.forEach((x, j) => {
    const gate = route.verdicts[j]!;
    const order = verdicts[x.index];
    verdicts[x.index] = gate.kind === "attempt" && order?.kind === "attempt" && order.after !== undefined ? { ...gate, after: order.after } : gate;
  });
  return { state: route.state, verdicts: verdicts as Verdict[], rowsWritten: rowsWritten + route.rowsWritten };
}

/**
 * Parks each message where it waits: behind its key's head in its key governor, paused or open
 * in the route's. Says which were taken, and the release messages to ask for (`shard` undefined: the route's).
 */
export async function parkOrdered(
  env: Bindings,
  routeId: string,
  shards: number,
  items: ParkItem[],
  now: number,
): Promise<{ taken: boolean[]; rowsWritten: number; wakes: Wake[] }> {
  const taken: boolean[] = new Array(items.length).fill(false);
  const wakes: Wake[] = [];
  let rowsWritten = 0;
  const indexed = items.map((item, index) => ({ item, index }));
  // Every key governor of a key here: its messages behind their head, and its heads parked at the route.
  const byShard = byKeyShard(indexed, (x) => x.item.sequence?.key, shards);
  const atRoute = indexed.filter((x) => x.item.why !== "order" || x.item.sequence === undefined);
  const calls: [number | undefined, { item: ParkItem; index: number }[]][] = [
    ...[...byShard].map(([shard, mine]) => [shard, mine.filter((x) => x.item.why === "order")] as [number, typeof mine]),
    ...(atRoute.length > 0 ? [[undefined, atRoute] as [undefined, typeof atRoute]] : []),
  ];
  await Promise.all(
    calls.map(async ([shard, mine]) => {
      const heads = shard === undefined ? [] : (byShard.get(shard) ?? []).flatMap((x) => (x.item.why !== "order" && x.item.sequence ? [x.item.sequence] : []));
      const answer = await governorOf(env.ROUTE_GOVERNOR, routeId, shard).park(
        mine.map((x) => (shard === undefined ? (unkeyed(x.item) as ParkItem) : x.item)),
        now,
        heads,
      );
      rowsWritten += answer.rowsWritten;
      mine.forEach((x, j) => {
        taken[x.index] = answer.taken[j] === true;
      });
      if (answer.wakeInSeconds !== undefined) wakes.push({ ...(shard !== undefined && { shard }), seconds: answer.wakeInSeconds });
    }),
  );
  return { taken, rowsWritten, wakes };
}

/** What the attempts came to: each key governor its keys' progress (and the heads now free), the route's governor the rest. */
export async function reportOrdered(
  env: Bindings,
  routeId: string,
  settings: Settings,
  results: Result[],
  now: number,
): Promise<{ state: RouteState; parked: number; changes: Change[]; released: string[]; rowsWritten: number }> {
  const shards = settings.ordered?.shards ?? 1;
  const groups = byKeyShard(results, (r) => r.sequence?.key, shards);
  const [route, ...keys] = await Promise.all([
    governorOf(env.ROUTE_GOVERNOR, routeId).report(settings, results.map(unkeyed), now),
    ...[...groups].map(([shard, mine]) => governorOf(env.ROUTE_GOVERNOR, routeId, shard).report(orderSettings(settings), mine, now)),
  ]);
  return {
    state: route!.state,
    parked: route!.parked,
    changes: [...route!.changes, ...keys.flatMap((k) => k.changes)],
    released: [...route!.released, ...keys.flatMap((k) => k.released)],
    rowsWritten: route!.rowsWritten + keys.reduce((sum, k) => sum + k.rowsWritten, 0),
  };
}
