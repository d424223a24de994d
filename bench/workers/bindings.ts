/**
 * The few binding shapes the bench workers use, written out so these files type-check
 * under the scripts' Node config (which `npx tsc -p scripts` applies to bench/**) as
 * well as in workerd, where the real KV and Queue bindings satisfy them.
 */
export interface KvLike {
  get(key: string, type?: "text" | "json"): Promise<unknown>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
}

export interface QueueLike {
  send(body: unknown, options?: { contentType?: "json" }): Promise<void>;
  sendBatch(messages: Iterable<{ body: unknown; contentType?: "json" }>): Promise<void>;
}

export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}
