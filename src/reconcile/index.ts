import { adapters } from "../adapters";
import type { LedgerConfig } from "../config/ledger";
import { loadConfig } from "../config/load";
import type { GatewayConfig } from "../config/schema";
import type { Bindings } from "../env";
import { log } from "../log";
import { routingRules } from "../routing/store";
import type { ReconcileSource } from "./page";
import type { PspFetch } from "./psp";
import { reconcileSource, type SourceRunResult } from "./run";

export interface ReconcileDeps {
  fetch: PspFetch;
}

/**
 * What one invocation may spend of its 1,000 subrequests on pages, each page being the PSP's
 * answer, the ledger's reserve and confirm in each shard its envelopes fall in, and the
 * sendBatch calls of its messages (a page of 1,000 notifications to one route: 10). The rest
 * keeps room for the state, the token, the route table, the fan-out's sends and the metrics.
 * With the default 16 shards: 15 pages; with 256 shards: 1.
 */
export function pagesPerInvocation(ledger: Pick<LedgerConfig, "shards">): number {
  const perPage = 1 + 2 * ledger.shards + 20;
  return Math.max(1, Math.floor(900 / perPage));
}

/** Every `pix` source with `reconcile`, with its dedup window. */
export function reconcilingSources(config: GatewayConfig): ReconcileSource[] {
  return Object.entries(config.sources).flatMap(([name, source]) =>
    source.provider === "pix" && source.reconcile
      ? [{ name, reconcile: source.reconcile, dedupTtlSeconds: source.dedupTtlSeconds ?? adapters.pix.defaultDedupTtlSeconds }]
      : [],
  );
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
  const sources = reconcilingSources(config);
  if (sources.length === 0) return [];

  let routes: Awaited<ReturnType<typeof routingRules>>;
  try {
    routes = await routingRules(config, env.STATE);
  } catch {
    log({ event: "reconcile_skipped", reason: "routes_unreadable" });
    return [];
  }

  const pending: Promise<unknown>[] = [];
  const budget = { pages: pagesPerInvocation(config.ledger) };
  const first = Math.floor(now.getTime() / 60_000) % sources.length;
  const results: SourceRunResult[] = [];
  for (const source of [...sources.slice(first), ...sources.slice(0, first)]) {
    if (budget.pages === 0) break; // still due: the next tick
    const run = { env, config, source, routes, now: now.getTime(), fetch: deps.fetch, budget, waitUntil: (p: Promise<unknown>) => void pending.push(p) };
    results.push(
      await reconcileSource(run).catch((error: unknown) => {
        // KV itself failing (the state could not be read or written): nothing was lost, the
        // scan is read again next time.
        log({ event: "reconcile_failed", source: source.name, error: error instanceof Error ? error.name : "unknown" });
        const failed = { pages: 0, fannedOut: 0, recovered: [], duplicates: 0, unreadable: 0, tooOld: 0 };
        return { source: source.name, outcome: "failed" as const, ...failed, error: "state_unavailable" };
      }),
    );
  }
  await Promise.allSettled(pending);
  return results;
}
