import { adapters } from "../adapters";
import { loadConfig } from "../config/load";
import type { Bindings } from "../env";
import { log } from "../log";
import { routingRules } from "../routing/store";
import type { PspFetch } from "./psp";
import { reconcileSource, type SourceRunResult } from "./run";

/**
 * Envelopes one invocation may accept, over every source: each costs a dedup read and, when
 * new, a dedup write (and, with no route, a dead-letter write), within the 1,000 KV
 * operations a Worker invocation may make. 250 × 3 plus state, routes and queue sends stays
 * under it; a source with more to read goes on at the next tick.
 */
export const ENVELOPES_PER_INVOCATION = 250;

export interface ReconcileDeps {
  fetch: PspFetch;
}

/**
 * The Cron Trigger's job (docs/contract.md §11): every `pix` source with `reconcile` whose turn has
 * come. Never throws: a broken config, route table or PSP is logged and counted, and the next
 * tick tries again. Sources take turns going first, so one with a long backlog cannot starve
 * the others of the budget.
 */
export async function reconcileAll(env: Bindings, now: Date, deps: ReconcileDeps = { fetch: (input, init) => fetch(input, init) }): Promise<SourceRunResult[]> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    log({ event: "reconcile_skipped", reason: "bad_config" });
    return [];
  }
  const config = loaded.config;
  const sources = Object.entries(config.sources).flatMap(([name, source]) =>
    source.provider === "pix" && source.reconcile
      ? [{ name, reconcile: source.reconcile, dedupTtlSeconds: source.dedupTtlSeconds ?? adapters.pix.defaultDedupTtlSeconds }]
      : [],
  );
  if (sources.length === 0) return [];

  let routes: Awaited<ReturnType<typeof routingRules>>;
  try {
    routes = await routingRules(config, env.STATE);
  } catch {
    log({ event: "reconcile_skipped", reason: "routes_unreadable" });
    return [];
  }

  const pending: Promise<unknown>[] = [];
  const budget = { envelopes: ENVELOPES_PER_INVOCATION };
  const first = Math.floor(now.getTime() / 60_000) % sources.length;
  const results: SourceRunResult[] = [];
  for (const source of [...sources.slice(first), ...sources.slice(0, first)]) {
    const run = { env, config, ...source, routes, now: now.getTime(), fetch: deps.fetch, budget, waitUntil: (p: Promise<unknown>) => void pending.push(p) };
    results.push(
      await reconcileSource(run).catch((error: unknown) => {
        // KV itself failing (the state could not be read or written): nothing was lost, the
        // scan is read again next time.
        log({ event: "reconcile_failed", source: source.name, error: error instanceof Error ? error.name : "unknown" });
        return { source: source.name, outcome: "failed" as const, pages: 0, recovered: [], duplicates: 0, unreadable: 0, error: "state_unavailable" };
      }),
    );
  }
  await Promise.allSettled(pending);
  return results;
}
