import type { StrictDedup, Verdict } from "./strict-object";

/**
 * How long a reservation holds an id. It must outlast a request's work between reserving and
 * confirming (a few sendBatch calls, milliseconds; a minute leaves room for a stalled binding),
 * and it is how long a request that crashed after reserving blocks its own retry: the retry
 * gets `503` with `Retry-After` until then, and providers retry over minutes to hours.
 */
export const RESERVATION_MS = 60_000;

export type StrictNamespace = DurableObjectNamespace<StrictDedup>;

/** Where an id is kept: one object per source, or `shards` objects with the ids spread by hash. */
export function shardOf(id: string, shards: number): number {
  if (shards === 1) return 0;
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/** The ids of a request, grouped by the object that keeps them; one call per object. */
function byShard(ids: string[], shards: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  ids.forEach((id, index) => {
    const shard = shardOf(id, shards);
    const group = groups.get(shard);
    if (group) group.push(index);
    else groups.set(shard, [index]);
  });
  return groups;
}

function stub(namespace: StrictNamespace, source: string, shards: number, shard: number) {
  return namespace.getByName(shards === 1 ? source : `${source}#${shard}/${shards}`);
}

/** Reserves the ids; one round trip to each object they fall in (one, unless the source is sharded). */
export async function reserveIds(namespace: StrictNamespace, source: string, shards: number, ids: string[], token: string): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(ids.length);
  await Promise.all(
    [...byShard(ids, shards)].map(async ([shard, indexes]) => {
      const answers = await stub(namespace, source, shards, shard).reserve(
        indexes.map((i) => ids[i]!),
        token,
        RESERVATION_MS,
      );
      indexes.forEach((index, k) => {
        verdicts[index] = answers[k]!;
      });
    }),
  );
  return verdicts;
}

export async function confirmIds(namespace: StrictNamespace, source: string, shards: number, ids: string[], token: string, ttlSeconds: number): Promise<void> {
  await Promise.all(
    [...byShard(ids, shards)].map(([shard, indexes]) =>
      stub(namespace, source, shards, shard).confirm(
        indexes.map((i) => ids[i]!),
        token,
        ttlSeconds,
      ),
    ),
  );
}

export async function releaseIds(namespace: StrictNamespace, source: string, shards: number, ids: string[], token: string): Promise<void> {
  await Promise.all(
    [...byShard(ids, shards)].map(([shard, indexes]) =>
      stub(namespace, source, shards, shard).release(
        indexes.map((i) => ids[i]!),
        token,
      ),
    ),
  );
}
