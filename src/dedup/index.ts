import type { Bindings } from "../env";
import { GatewayError } from "../errors";
import { DIRECT_WRITES, type FollowUp, markMessages } from "../ingest/followup";
import type { PlannedMessage } from "../ingest/plan";
import { log } from "../log";
import { type Mark, markSeen, seenIds } from "./kv";
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
 * i-th mark is this request's to enqueue, else `seenAs[i]` is the id it was accepted under.
 * Exactly one of `accepted` or `abandoned` is called, with the fresh marks, after the enqueue
 * succeeded or when it failed (or nothing is sent).
 */
export interface Claim {
  fresh: boolean[];
  seenAs: (string | undefined)[];
  /** Messages to send after the deliveries, in the same queue (KV marks of a large batch). */
  followUps(marks: Mark[]): PlannedMessage<FollowUp>[];
  /** Work to finish after the answer (waitUntil). */
  accepted(marks: Mark[]): Promise<void>;
  abandoned(marks: Mark[]): Promise<void>;
}

const NOTHING: Omit<Claim, "fresh" | "seenAs"> = { followUps: () => [], accepted: async () => {}, abandoned: async () => {} };

export async function claimIds(env: Bindings, source: DedupSource, marks: Mark[]): Promise<Claim> {
  const mode = source.dedup ?? { kind: "kv" };
  if (mode.kind === "strict") return claimStrict(env, source, mode.shards, marks);
  const seen = await seenIds(env.DEDUP, marks);
  return {
    fresh: seen.map((s) => s === undefined),
    seenAs: seen,
    // A few ids are marked from the request itself; more would crowd its operations.
    followUps: (fresh) => (fresh.length > DIRECT_WRITES ? markMessages(fresh, source.dedupTtlSeconds) : []),
    accepted: async (fresh) => {
      if (fresh.length > DIRECT_WRITES) return;
      await markSeen(env.DEDUP, fresh, source.dedupTtlSeconds).catch((error: unknown) => {
        log({ event: "mark_seen_failed", error: error instanceof Error ? error.message : "unknown" });
      });
    },
    abandoned: async () => {},
  };
}

/** Every notification passes (a dead letter replayed: it was marked when it first came). */
export function claimNone(marks: Mark[]): Claim {
  return { fresh: marks.map(() => true), seenAs: marks.map(() => undefined), ...NOTHING };
}

/**
 * Reserves every id at once. If any is held by a request still in flight, this one reserves
 * nothing (it releases what it got) and is answered 503: a batch is never half-accepted, and
 * nothing is called a duplicate before it is confirmed.
 */
async function claimStrict(env: Bindings, source: DedupSource, shards: number, marks: Mark[]): Promise<Claim> {
  // The object keeps keys alone: a recurring id's duplicate is answered under the new occurrence's id.
  const ids = marks.map((m) => m.key);
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
    seenAs: verdicts.map((v, i) => (v === DUPLICATE ? marks[i]!.id : undefined)),
    followUps: () => [],
    accepted: (fresh) =>
      confirmIds(
        namespace,
        source.name,
        shards,
        fresh.map((m) => m.key),
        token,
        source.dedupTtlSeconds,
      ).catch((error: unknown) => {
        // Delivered all the same; the reservations expire and a retry may be accepted again.
        log({ event: "strict_confirm_failed", source: source.name, error: error instanceof Error ? error.message : "unknown" });
      }),
    abandoned: (fresh) => release(fresh.map((m) => m.key)),
  };
}
