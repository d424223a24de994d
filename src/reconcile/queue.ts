import { loadConfig } from "../config/load";
import type { Bindings } from "../env";
import { log } from "../log";
import { count } from "../observability/metrics";
import { ReconcilePage } from "../queue/messages";
import { routingRules } from "../routing/store";
import { dedupFloor } from "./envelopes";
import { pagesAfter, sendPages } from "./fanout";
import { reconcilingSources } from "./index";
import { type ReconcileSource, reconcilePage } from "./page";
import { PspError, type PspFetch } from "./psp";
import { report } from "./run";
import { retryAt } from "./state";

export interface ReconcileQueueDeps {
  fetch: PspFetch;
  now: () => number;
}

/** While the config or the route table cannot be read, the pages wait in the queue. */
const WAIT_SECONDS = 60;

/**
 * The RECONCILE queue's consumer: each message is one page of a scan (fanout.ts), read and
 * accepted in an invocation of its own (wrangler.toml gives the queue batches of one, so every
 * page has the whole of an invocation's limits). A page the PSP fails on is sent again later,
 * backing off as the cron does, until its whole window is past what dedup covers: then it is
 * given up on, logged and counted (`expired`), since nothing on it could be delivered.
 */
export async function handleReconcileBatch(
  batch: MessageBatch<unknown>,
  env: Bindings,
  deps: ReconcileQueueDeps,
  waitUntil: (promise: Promise<unknown>) => void = () => {},
): Promise<void> {
  const loaded = loadConfig(env);
  const routes = loaded.ok ? await routingRules(loaded.config, env.STATE).catch(() => undefined) : undefined;
  if (!loaded.ok || routes === undefined) {
    log({ event: "reconcile_page_waiting", reason: loaded.ok ? "routes_unreadable" : "bad_config" });
    for (const message of batch.messages) message.retry({ delaySeconds: WAIT_SECONDS });
    return;
  }
  const config = loaded.config;
  const sources = new Map(reconcilingSources(config).map((s) => [s.name, s]));
  for (const message of batch.messages) {
    const parsed = ReconcilePage.safeParse(message.body);
    const source = parsed.success ? sources.get(parsed.data.source) : undefined;
    if (!parsed.success || source === undefined) {
      log({ event: "reconcile_page_dropped", messageId: message.id, reason: parsed.success ? "source_not_reconciling" : "unreadable" });
      message.ack();
      continue;
    }
    const now = deps.now();
    const page = parsed.data;
    try {
      const result = await reconcilePage({ env, config, source, routes, now, fetch: deps.fetch, waitUntil }, page);
      const after = page.fanOut && env.RECONCILE !== undefined ? pagesAfter(source.name, page, result.answer) : [];
      if (after.length > 0 && env.RECONCILE !== undefined) await sendPages(env.RECONCILE, after);
      report(source.name, { ...result, outcome: "page", pages: 1, fannedOut: after.length }, now);
      message.ack();
    } catch (error) {
      await again(env, message, page, source, now, error);
    }
  }
}

/** The page failed: sent again after a backoff, or given up on when dedup no longer covers any of it. */
async function again(env: Bindings, message: Message<unknown>, page: ReconcilePage, source: ReconcileSource, now: number, error: unknown): Promise<void> {
  const psp = error instanceof PspError ? error : undefined;
  const code = psp?.code ?? "accept_failed";
  const attempt = (page.attempt ?? 0) + 1;
  if (Date.parse(page.fim) < dedupFloor(now, source.dedupTtlSeconds)) {
    log({ event: "reconcile_page_expired", source: source.name, page: page.page, inicio: page.inicio, fim: page.fim, attempts: attempt, error: code });
    count("reconcile", source.name, "expired", now);
    message.ack();
    return;
  }
  const delaySeconds = Math.ceil((Date.parse(retryAt(now, attempt, source.reconcile.everyMinutes, psp?.retryAfterSeconds)) - now) / 1000);
  log({ event: "reconcile_failed", source: source.name, page: page.page, attempt, error: code, retryInSeconds: delaySeconds });
  count("reconcile", source.name, "failed", now);
  try {
    if (env.RECONCILE === undefined) throw new Error("no RECONCILE binding");
    await env.RECONCILE.send({ ...page, attempt }, { contentType: "json", delaySeconds });
    message.ack();
  } catch {
    message.retry({ delaySeconds });
  }
}
