/**
 * The gateway as the bench workers see it. esbuild aliases "hookgate-gateway" to
 * src/index.ts (bench/lib/build.ts); this narrow shape keeps bench/** type-checkable under
 * Node types, while src itself is checked by the root tsconfig with workers-types.
 */
declare module "hookgate-gateway" {
  const worker: {
    fetch(
      request: Request,
      env: Record<string, unknown>,
      ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void },
    ): Response | Promise<Response>;
  };
  export default worker;
}

// The Durable Object base class bare-io.ts extends, as far as it uses it (the scripts' Node
// config has no Workers types; wrangler bundles the real one).
declare module "cloudflare:workers" {
  export class DurableObject {
    protected ctx: { storage: { sql: { exec(query: string, ...params: unknown[]): { toArray(): unknown[] } } } };
    constructor(ctx: unknown, env: unknown);
  }
}
