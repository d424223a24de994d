import type { GatewayConfig, Reconcile } from "../config/schema";
import type { Bindings } from "../env";
import type { Envelope } from "../envelope";
import { acceptEnvelopes } from "../ingest/accept";
import type { RoutingRule } from "../routing/store";
import { dedupFloor, recoveredEnvelopes, withinDedup } from "./envelopes";
import { listPix, type PixPage } from "./pix-api";
import { type PspFetch, pspFetch } from "./psp";

/** One source as reconciliation sees it. */
export interface ReconcileSource {
  name: string;
  reconcile: Reconcile;
  dedupTtlSeconds: number;
}

/** Everything reading a page needs: the cron's and a page message's invocation alike. */
export interface PageContext {
  env: Bindings;
  config: GatewayConfig;
  source: ReconcileSource;
  routes: RoutingRule[];
  now: number;
  fetch: PspFetch;
  waitUntil: (promise: Promise<unknown>) => void;
}

/** A page of a scan: its fixed window and its number. */
export interface PageQuery {
  inicio: string;
  fim: string;
  page: number;
}

export interface PageResult {
  answer: PixPage;
  recovered: string[];
  duplicates: number;
  unreadable: number;
  /** Past what dedup still covers: counted, not delivered (envelopes.ts). */
  tooOld: number;
}

/**
 * Reads one page of `GET /pix` and accepts what dedup still covers through the one door, as
 * the webhook would have. A page is accepted whole, within the bounds a webhook request is
 * (its notifications at most `itemsPerPage` Pix and their refunds); one too large for one
 * invocation's operations is accepted in halves. Throws what the PSP or acceptance threw.
 */
export async function reconcilePage(ctx: PageContext, query: PageQuery): Promise<PageResult> {
  const { source, now } = ctx;
  const fetch = pspFetch(source.reconcile, ctx.env, ctx.fetch);
  const answer = await listPix(source.reconcile, fetch, { inicio: new Date(query.inicio), fim: new Date(query.fim), page: query.page }, now);
  const { envelopes, unreadable } = await recoveredEnvelopes(source.name, answer.items, new Date(now));
  const { fresh, tooOld } = withinDedup(envelopes, dedupFloor(now, source.dedupTtlSeconds), Date.parse(query.inicio));
  const result: PageResult = { answer, recovered: [], duplicates: 0, unreadable, tooOld: tooOld.length };
  await acceptInParts(ctx, fresh, result);
  return result;
}

async function acceptInParts(ctx: PageContext, envelopes: Envelope[], result: PageResult): Promise<void> {
  if (envelopes.length === 0) return;
  const accepted = await acceptEnvelopes(
    {
      env: ctx.env,
      config: ctx.config,
      source: { name: ctx.source.name, dedupTtlSeconds: ctx.source.dedupTtlSeconds },
      now: new Date(ctx.now),
      waitUntil: ctx.waitUntil,
      dedup: "check",
      routes: ctx.routes,
    },
    envelopes,
  );
  if (accepted.overBudget === undefined) {
    result.recovered.push(...accepted.accepted);
    result.duplicates += accepted.duplicates.length;
    return;
  }
  // Nothing was accepted: one envelope alone over the budget is one no request could accept either.
  if (envelopes.length === 1) throw new Error(`reconcile: ${accepted.overBudget}`);
  const half = Math.ceil(envelopes.length / 2);
  await acceptInParts(ctx, envelopes.slice(0, half), result);
  await acceptInParts(ctx, envelopes.slice(half), result);
}
