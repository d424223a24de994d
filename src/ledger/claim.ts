import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { dedupKeyOf, type Envelope, envelopeJson, searchKeysOf } from "../envelope";
import { GatewayError } from "../errors";
import { log } from "../log";
import { count } from "../observability/metrics";
import { type Mark, seenIds } from "./kv-marks";
import type { ConfirmAnswer, Verdict } from "./object";
import type { EventRow, MarkRow } from "./rows";
import { byShard, type LedgerStub, shardOf, shardStub } from "./shard";
import { boundedText } from "./writes";

/** Envelopes larger than this live in STATE KV (where large envelopes already go), not in the row. */
export const MAX_ENVELOPE_IN_ROW_BYTES = 96 * 1024;
/** A shard that does not answer acceptance in this long: 503, nothing enqueued. Longer than the object's own wait for a key in flight. */
export const ACCEPT_TIMEOUT_MS = 5_000;

/** An accepted envelope and the routes it went to (and those whose payload filter left it out). */
export interface AcceptedEnvelope {
  envelope: Envelope;
  routeIds: string[];
  filteredRouteIds?: string[];
}

/** Who is asking: the request whose line joins the timeline (absent for a replay or the gateway's own events). */
export interface LedgerContext {
  env: Bindings;
  config: GatewayConfig;
  line?: { requestId: string; at: string };
}

/**
 * What acceptance settled before the enqueue: `fresh[i]` says the i-th mark is this request's
 * to enqueue, else `seenAs[i]` is the id it was first accepted under. Exactly one of `accepted`
 * (after the enqueue succeeded; in waitUntil) or `abandoned` (it failed) is called.
 */
export interface Claim {
  fresh: boolean[];
  seenAs: (string | undefined)[];
  accepted(routed: AcceptedEnvelope[]): Promise<void>;
  abandoned(): Promise<void>;
}

/**
 * Reserves every mark in the shards that keep them, one call per shard. If any key is held by
 * a request still in flight, this one keeps nothing (it releases what it got) and is answered
 * 503: a batch is never half-accepted, and nothing is called a duplicate before it was accepted.
 */
export async function claimKeys(ctx: LedgerContext, source: { name: string; dedupTtlSeconds: number }, marks: Mark[], now: number): Promise<Claim> {
  const { env, config } = ctx;
  const namespace = ledgerNamespace(env);
  const shards = config.ledger.shards;
  const token = crypto.randomUUID();
  const keys = marks.map((m) => m.key);
  const groups = [...byShard(keys, shards)];
  const stubs = new Map(groups.map(([shard]) => [shard, shardStub(namespace, config.ledger, shard)]));
  const release = (held: string[]) => releaseKeys(stubs, shards, held, token, source.name);
  const [verdicts, kvSeen] = await Promise.all([
    reserveAll(stubs, groups, keys, { ttlSeconds: source.dedupTtlSeconds, now, token, line: config.eventLog.enabled ? ctx.line : undefined }).catch(
      async (error: unknown) => {
        log({ event: "ledger_unavailable", source: source.name, error: error instanceof Error ? error.message : "unknown" });
        await release(keys);
        throw GatewayError.unavailable("the notification could not be checked; retry");
      },
    ),
    upgrading(config.ledger.kvMarksUntil, now) ? seenIds(env.DEDUP, marks) : marks.map(() => undefined),
  ]);
  if (verdicts.some((v) => "busy" in v || "unwritable" in v)) {
    await release(keys.filter((_, i) => "fresh" in verdicts[i]!));
    if (verdicts.some((v) => "unwritable" in v)) {
      log({ event: "ledger_unwritable", source: source.name });
      throw GatewayError.unavailable("the notification could not be recorded; retry");
    }
    throw GatewayError.unavailable("a notification of this request is being accepted by another request; retry");
  }
  const oldSeen = await previousShardsSeen(ctx, keys, verdicts, source.dedupTtlSeconds, now);
  const seenAs = verdicts.map((v, i) => ("seen" in v ? v.seen : (kvSeen[i] ?? oldSeen[i])));
  const fresh = seenAs.map((id) => id === undefined);
  // Held in the shard but seen before the ledger (or in the old shard): let go with the confirm.
  const letGo = keys.filter((_, i) => "fresh" in verdicts[i]! && !fresh[i]);
  return {
    fresh,
    seenAs,
    accepted: (routed) => confirm(stubs, shards, ctx, routed, letGo, token).catch((error: unknown) => logConfirmFailed(source.name, error)),
    abandoned: () => release(keys.filter((_, i) => "fresh" in verdicts[i]!)),
  };
}

/** Envelopes accepted without a dedup check (a replay, a redeliver, the gateway's own events): recorded, merged into a row that exists. */
export async function recordAccepted(ctx: LedgerContext, routed: AcceptedEnvelope[]): Promise<void> {
  if (routed.length === 0 || !ctx.config.eventLog.enabled) return;
  const namespace = ledgerNamespace(ctx.env);
  const shards = ctx.config.ledger.shards;
  const stubs = new Map(
    [
      ...byShard(
        routed.map((r) => dedupKeyOf(r.envelope)),
        shards,
      ),
    ].map(([shard]) => [shard, shardStub(namespace, ctx.config.ledger, shard)]),
  );
  await confirm(stubs, shards, ctx, routed, [], undefined).catch((error: unknown) => logConfirmFailed("(replay)", error));
}

export function ledgerNamespace(env: Bindings): DurableObjectNamespace {
  const namespace = env.LEDGER;
  if (!namespace) throw new GatewayError("bad_config", "the LEDGER Durable Object binding is missing (wrangler.toml, docs/deploy.md)");
  return namespace;
}

async function reserveAll(
  stubs: Map<number, LedgerStub>,
  groups: [number, number[]][],
  keys: string[],
  input: { ttlSeconds: number; now: number; token: string; line?: { requestId: string; at: string } },
): Promise<Verdict[]> {
  const verdicts: Verdict[] = new Array(keys.length);
  await Promise.all(
    groups.map(async ([shard, indexes]) => {
      const answers = await withTimeout(stubs.get(shard)!.reserve({ ...input, keys: indexes.map((i) => keys[i]!) }), ACCEPT_TIMEOUT_MS);
      indexes.forEach((index, k) => {
        verdicts[index] = answers[k]!;
      });
    }),
  );
  return verdicts;
}

async function confirm(
  stubs: Map<number, LedgerStub>,
  shards: number,
  ctx: LedgerContext,
  routed: AcceptedEnvelope[],
  letGo: string[],
  token: string | undefined,
): Promise<void> {
  const logOn = ctx.config.eventLog.enabled;
  const inputs = new Map<number, { events: EventRow[]; marks: MarkRow[]; release: string[] }>();
  const inputOf = (shard: number) => inputs.get(shard) ?? inputs.set(shard, { events: [], marks: [], release: [] }).get(shard)!;
  for (const accepted of routed) {
    const input = inputOf(shardOf(dedupKeyOf(accepted.envelope), shards));
    if (logOn) input.events.push(eventRow(accepted, ctx.line));
    else input.marks.push(markRow(accepted.envelope));
  }
  for (const key of letGo) inputOf(shardOf(key, shards)).release.push(key);
  await Promise.all(
    [...inputs].map(async ([shard, input]) => {
      const answer = await confirmShard(stubs.get(shard)!, { token, ...input });
      // Kept as a mark only, or only in the shard's memory: counted and alerted (docs/event-log.md).
      if (answer.markOnly > 0) count("eventlog", "gateway", "reduced", Date.now(), answer.markOnly);
      if (answer.unwritten > 0) throw new Error(`shard ${shard} could not write ${answer.unwritten} marks`);
    }),
  );
}

/**
 * One shard's confirm, tried once more when the call itself fails (the shard restarted, a
 * network fault): confirm is idempotent (a row already written is merged, a released hold is
 * gone), and a mark that is not written leaves a duplicate behind once the hold expires.
 */
async function confirmShard(stub: LedgerStub, input: Parameters<LedgerStub["confirm"]>[0]): Promise<ConfirmAnswer> {
  try {
    return await withTimeout(stub.confirm(input), ACCEPT_TIMEOUT_MS);
  } catch {
    return withTimeout(stub.confirm(input), ACCEPT_TIMEOUT_MS);
  }
}

async function releaseKeys(stubs: Map<number, LedgerStub>, shards: number, keys: string[], token: string, source: string): Promise<void> {
  if (keys.length === 0) return;
  await Promise.all(
    [...byShard(keys, shards)].map(([shard, indexes]) =>
      stubs.get(shard)?.release(
        indexes.map((i) => keys[i]!),
        token,
      ),
    ),
  ).catch((error: unknown) => {
    // The marks then expire on their own (RESERVATION_MS).
    log({ event: "ledger_release_failed", source, error: error instanceof Error ? error.message : "unknown" });
  });
}

/** During `ledger.previousShardsUntil`, a key fresh in its shard is also looked up in the shard it had before. */
async function previousShardsSeen(ctx: LedgerContext, keys: string[], verdicts: Verdict[], ttlSeconds: number, now: number): Promise<(string | undefined)[]> {
  const { previousShards, previousShardsUntil } = ctx.config.ledger;
  const seen: (string | undefined)[] = keys.map(() => undefined);
  if (previousShards === undefined || !upgrading(previousShardsUntil, now)) return seen;
  const moved = keys.flatMap((key, i) => ("fresh" in verdicts[i]! && shardOf(key, previousShards) !== shardOf(key, ctx.config.ledger.shards) ? [i] : []));
  const namespace = ledgerNamespace(ctx.env);
  const groups = byShard(
    moved.map((i) => keys[i]!),
    previousShards,
  );
  await Promise.all(
    [...groups].map(async ([shard, indexes]) => {
      const ids = await withTimeout(
        shardStub(namespace, ctx.config.ledger, shard).seen(
          indexes.map((k) => keys[moved[k]!]!),
          ttlSeconds,
          now,
        ),
        ACCEPT_TIMEOUT_MS,
      );
      indexes.forEach((k, j) => {
        seen[moved[k]!] = ids[j] ?? undefined;
      });
    }),
  );
  return seen;
}

function upgrading(until: string | undefined, now: number): boolean {
  return until !== undefined && now < Date.parse(until);
}

function eventRow({ envelope, routeIds, filteredRouteIds = [] }: AcceptedEnvelope, line: LedgerContext["line"]): EventRow {
  const json = envelopeJson(envelope);
  const terms = [...new Set([envelope.subject, ...searchKeysOf(envelope)].flatMap((t) => (t === undefined || t === "" ? [] : [boundedText(t)])))];
  return {
    key: dedupKeyOf(envelope),
    id: envelope.id,
    // "/hooks/pix" → "pix"; the gateway's own "/hookgate" → "hookgate", the name routes filter on.
    source: envelope.source.replace(/^\/(hooks\/)?/, ""),
    type: boundedText(envelope.type),
    subject: envelope.subject === undefined ? null : boundedText(envelope.subject),
    time: boundedText(envelope.time),
    receivedAt: Date.parse(envelope.receivedat),
    envelope: json.length <= MAX_ENVELOPE_IN_ROW_BYTES ? json : null,
    requests: line ? [{ ...line, outcome: "accepted" }] : [],
    terms,
    deliveries: Object.fromEntries([
      ...routeIds.map((id) => [id, { state: "pending" as const, attempts: [] }]),
      ...filteredRouteIds.map((id) => [id, { state: "filtered" as const, attempts: [] }]),
    ]),
  };
}

function markRow(envelope: Envelope): MarkRow {
  return { key: dedupKeyOf(envelope), id: envelope.id, receivedAt: Date.parse(envelope.receivedat) };
}

function logConfirmFailed(source: string, error: unknown): void {
  // Delivered all the same (it is queued); its mark may be missing: counted, and alerted by the hourly check.
  count("eventlog", "gateway", "confirm_failed", Date.now());
  log({ event: "ledger_confirm_failed", source, error: error instanceof Error ? error.message : "unknown" });
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the ledger within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
