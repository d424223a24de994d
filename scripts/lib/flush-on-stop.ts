/**
 * What `npm start` does on Ctrl-C before it stops wrangler dev: the gateway keeps its counters in
 * the isolate and writes them to D1 at most every 10 s (src/observability/metrics.ts), so a
 * delivery counted in the last seconds would be lost with the isolate. `GET /admin/metrics` writes
 * the isolate's counters before it answers; called once at stop, nothing counted is lost.
 */

/** How long the stop waits for the flush; past it, it stops anyway and says so. */
export const FLUSH_TIMEOUT_MS = 5_000;

type Fetch = (input: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number }>;

/** The line `npm start` prints: flushed, or why not. Never throws. */
export async function flushMetricsBeforeStop(options: { base: string; adminToken: string; fetch: Fetch; timeoutMs?: number }): Promise<string> {
  try {
    const answer = await options.fetch(`${options.base}/admin/metrics`, {
      headers: { authorization: `Bearer ${options.adminToken}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? FLUSH_TIMEOUT_MS),
    });
    if (answer.status === 200) return "metrics written to local D1 before stopping";
    return `metrics of the last 10 s may be lost: GET /admin/metrics answered ${answer.status}`;
  } catch (error) {
    return `metrics of the last 10 s may be lost: GET /admin/metrics failed (${error instanceof Error ? error.message : String(error)})`;
  }
}
