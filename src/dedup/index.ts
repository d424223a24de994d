import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { DIRECT_WRITES, type FollowUp, markMessages } from "../ingest/followup";
import type { PlannedMessage } from "../ingest/plan";
import { log } from "../log";
import { markSeen, seenIds } from "./kv";
import { confirmIds, releaseIds, reserveIds, type StrictNamespace } from "./strict";
import { DUPLICATE, IN_FLIGHT, RESERVED } from "./strict-object";

/** How a source's ids are kept: see docs/dedup-and-batches.md. */
export type DedupMode = { kind: "kv" } | { kind: "strict"; shards: number };

export interface DedupSource {
  name: string;
  dedupTtlSeconds: number;
  dedup?: DedupMode;
}

/**
 * What the dedup check settled before the enqueue, and what follows it: `fresh[i]` says the
 * i-th id is this request's to enqueue. Exactly one of `accepted` or `abandoned` is called,
 * with the fresh ids, after the enqueue succeeded or when it failed (or nothing is sent).
 */
export interface Claim {
  fresh: boolean[];
  /** Messages to send after the deliveries, in the same queue (KV marks of a large batch). */
  followUps(ids: string[]): PlannedMessage<FollowUp>[];
  /** Work to finish after the answer (waitUntil). */
  accepted(ids: string[]): Promise<void>;
  abandoned(ids: string[]): Promise<void>;
}

const NOTHING: Omit<Claim, "fresh"> = { followUps: () => [], accepted: async () => {}, abandoned: async () => {} };

export async function claimIds(env: Bindings, source: DedupSource, now: Date, ids: string[]): Promise<Claim> {
  const mode = source.dedup ?? { kind: "kv" };
  if (mode.kind === "strict") return claimStrict(env, source, mode.shards, ids);
  const seen = await seenIds(env.DEDUP, ids);
  const at = now.toISOString();
  return {
    fresh: seen.map((s) => !s),
    // A few ids are marked from the request itself; more would crowd its operations.
    followUps: (fresh) => (fresh.length > DIRECT_WRITES ? markMessages(fresh, now, source.dedupTtlSeconds) : []),
    accepted: async (fresh) => {
      if (fresh.length > DIRECT_WRITES) return;
      await markSeen(env.DEDUP, fresh, at, source.dedupTtlSeconds).catch((error: unknown) => {
        log({ event: "mark_seen_failed", error: error instanceof Error ? error.message : "unknown" });
      });
    },
    abandoned: async () => {},
  };
}

/** Every notification passes (a dead letter replayed: it was marked when it first came). */
export function claimNone(ids: string[]): Claim {
  return { fresh: ids.map(() => true), ...NOTHING };
}

/**
 * Reserves every id at once. If any is held by a request still in flight, this one reserves
 * nothing (it releases what it got) and is answered 503: a batch is never half-accepted, and
 * nothing is called a duplicate before it is confirmed.
 */
async function claimStrict(env: Bindings, source: DedupSource, shards: number, ids: string[]): Promise<Claim> {
  const namespace = env.STRICT_DEDUP as StrictNamespace | undefined;
  if (!namespace) throw new GatewayError("bad_config", `sources.${source.name}: "dedup": "strict" needs the STRICT_DEDUP Durable Object binding`);
  const token = crypto.randomUUID();
  const verdicts = await reserveIds(namespace, source.name, shards, ids, token).catch((error: unknown) => {
    log({ event: "strict_dedup_unavailable", source: source.name, error: error instanceof Error ? error.message : "unknown" });
    throw GatewayError.unavailable("the notification could not be checked; retry");
  });
  const release = (fresh: string[]) =>
    fresh.length === 0
      ? Promise.resolve()
      : releaseIds(namespace, source.name, shards, fresh, token).catch((error: unknown) => {
          // The reservations then expire on their own (RESERVATION_MS).
          log({ event: "strict_release_failed", source: source.name, error: error instanceof Error ? error.message : "unknown" });
        });
  if (verdicts.includes(IN_FLIGHT)) {
    await release(ids.filter((_, i) => verdicts[i] === RESERVED));
    throw GatewayError.unavailable("a notification of this request is being accepted by another request; retry");
  }
  return {
    fresh: verdicts.map((v) => v !== DUPLICATE),
    followUps: () => [],
    accepted: (fresh) =>
      confirmIds(namespace, source.name, shards, fresh, token, source.dedupTtlSeconds).catch((error: unknown) => {
        // Delivered all the same; the reservations expire and a retry may be accepted again.
        log({ event: "strict_confirm_failed", source: source.name, error: error instanceof Error ? error.message : "unknown" });
      }),
    abandoned: release,
  };
}
