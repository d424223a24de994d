import type { LedgerConfig } from "../config/ledger";
import type { Ledger } from "./object";

/**
 * Where a notification is kept: shard `shardOf(dedupKey, shards)` of the LEDGER namespace. Shards
 * are named by their index alone (`shard-3`), so raising `ledger.shards` keeps every existing
 * shard where it is: the queries fan out over the larger of the two counts, and during
 * `ledger.previousShardsUntil` acceptance also asks a key's old shard (docs/event-log.md).
 */
export type LedgerNamespace = DurableObjectNamespace<Ledger>;
export type LedgerStub = DurableObjectStub<Ledger>;

/** FNV-1a over the key's UTF-16 code units: stable across deploys and isolates. */
export function shardOf(key: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

export function shardName(shard: number): string {
  return `shard-${shard}`;
}

export function shardStub(namespace: DurableObjectNamespace, ledger: Pick<LedgerConfig, "shards" | "locationHint">, shard: number): LedgerStub {
  const id = namespace.idFromName(shardName(shard));
  const options = ledger.locationHint === undefined ? undefined : { locationHint: ledger.locationHint as DurableObjectLocationHint };
  return (namespace as unknown as LedgerNamespace).get(id, options);
}

/** Every shard that may hold rows: the current count, and the previous one while it is still read. */
export function allShards(ledger: Pick<LedgerConfig, "shards" | "previousShards">): number[] {
  const count = Math.max(ledger.shards, ledger.previousShards ?? 0);
  return Array.from({ length: count }, (_, i) => i);
}

/** Indexes of `keys` grouped by the shard that keeps them: one call per shard. */
export function byShard(keys: string[], shards: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  keys.forEach((key, index) => {
    const shard = shardOf(key, shards);
    const group = groups.get(shard);
    if (group) group.push(index);
    else groups.set(shard, [index]);
  });
  return groups;
}

/** A recurring notification's occurrence id ends in `@{window start}`; its dedup key is what precedes it (docs/ids.md). */
const OCCURRENCE_SUFFIX = /@\d{8}T\d{6}Z$/;

/** The dedup key an envelope id was kept under, from the id alone. */
export function keyOfId(id: string): string {
  return id.replace(OCCURRENCE_SUFFIX, "");
}
