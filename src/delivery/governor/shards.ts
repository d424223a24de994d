import { queueIndex } from "../queues";

/**
 * An ordered route's key governors (#30.4, docs/delivery.md "Ordered delivery at volume"). The
 * route's own governor (named by the route id) keeps what is the route's: pause, the breaker,
 * the rate limit and concurrency, and the messages parked while paused or open. Each key's
 * numbers (given at acceptance, `assign`), its progress, and the messages parked behind its head
 * live in one of `ordered.shards` key governors, chosen by a hash of the key: a key always maps
 * to the same one, so its order holds; acceptance calls only the key governors its keys map to,
 * never the route's. A route's id is a slug (a-z, 0-9, -), so a key governor's name, with its
 * slashes, never is one.
 */
export function keyShardOf(key: string, shards: number): number {
  return queueIndex(key, shards);
}

export function keyGovernorName(routeId: string, shard: number): string {
  return `${routeId}/keys/${shard}`;
}

/** The route and shard a governor's name says (a key governor's), or the route alone. */
export function governorAddress(name: string): { routeId: string; shard?: number } {
  const match = /^(.+)\/keys\/(\d+)$/.exec(name);
  return match ? { routeId: match[1]!, shard: Number(match[2]) } : { routeId: name };
}

/** Items grouped by the key governor of each one's key; items without a key are left out. */
export function byKeyShard<T>(items: T[], keyOf: (item: T) => string | undefined, shards: number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const shard = keyShardOf(key, shards);
    groups.set(shard, [...(groups.get(shard) ?? []), item]);
  }
  return groups;
}
