/**
 * (c): the real gateway (src/index.ts, bundled in through the "hookgate-gateway" alias)
 * with its bindings swapped for in-memory stand-ins, so a request costs only the
 * gateway's own work: routing, config, auth, body, adapter, envelope, logging (the ledger is
 * a Set here).
 */
import gateway from "hookgate-gateway";
import type { KvLike, QueueLike, WaitUntil } from "./bindings";

/** A Map-backed KV: get/put/list/delete, expiry ignored (a run lasts seconds). */
class MemoryKv implements KvLike {
  readonly #values = new Map<string, string>();

  async get(key: string | string[], type?: "text" | "json"): Promise<unknown> {
    // KV's bulk read: a Map of every key asked for.
    if (Array.isArray(key)) return new Map(key.map((k) => [k, this.#values.get(k) ?? null]));
    const value = this.#values.get(key);
    if (value === undefined) return null;
    return type === "json" ? (JSON.parse(value) as unknown) : value;
  }

  async put(key: string, value: string): Promise<void> {
    this.#values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.#values.delete(key);
  }

  async list(options: { prefix?: string; limit?: number } = {}): Promise<{ keys: { name: string }[]; list_complete: true }> {
    const prefix = options.prefix ?? "";
    const keys = [...this.#values.keys()].filter((k) => k.startsWith(prefix)).slice(0, options.limit ?? 1000);
    return { keys: keys.map((name) => ({ name })), list_complete: true };
  }
}

/** A queue that takes every message and only counts it. */
class CountingQueue implements QueueLike {
  sent = 0;

  async send(): Promise<void> {
    this.sent += 1;
  }

  async sendBatch(messages: Iterable<unknown>): Promise<void> {
    for (const _ of messages) this.sent += 1;
  }
}

/** The ledger as a Set: every key fresh once, then seen; confirm, release and report do nothing. */
const seen = new Set<string>();
const memoryShard = {
  reserve: async (input: { keys: string[] }) =>
    input.keys.map((key) => {
      if (seen.has(key)) return { seen: key };
      seen.add(key);
      return { fresh: true };
    }),
  // The answer the real shard gives (src/ledger/object.ts, ConfirmAnswer): every row written.
  // Returning nothing made each request throw in confirm and log the failure, which (c) measured.
  confirm: async () => ({ markOnly: 0, unwritten: 0 }),
  release: async () => {},
  report: async () => 0,
};

class MemoryLedger {
  idFromName(name: string): string {
    return name;
  }

  get(): typeof memoryShard {
    return memoryShard;
  }
}

const standIns = { DEDUP: new MemoryKv(), STATE: new MemoryKv(), DELIVERIES: new CountingQueue(), LEDGER: new MemoryLedger() };
let wrapped: { of: object; env: Record<string, unknown> } | undefined;

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: WaitUntil): Promise<Response> {
    if (request.url.endsWith("/__bench/sent")) return Response.json({ sent: standIns.DELIVERIES.sent });
    // One env object for the isolate's life, as workerd gives the real worker.
    if (wrapped?.of !== env) {
      wrapped = { of: env, env: { ...env, ...standIns } };
      // The "quiet" variant measures what the gateway's one log line per request costs.
      if (env.BENCH_QUIET === "1") console.log = () => {};
    }
    return gateway.fetch(request, wrapped.env, ctx);
  },
};
