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
