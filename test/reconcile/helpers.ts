import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src";
import type { Envelope } from "../../src/envelope";
import type { ReconcilePage } from "../../src/queue/messages";
import { handleReconcileBatch } from "../../src/reconcile/queue";
import { type ReconcileState, stateKey } from "../../src/reconcile/state";
import { callWorker, captureLogs, recordingQueue, uniqueId } from "../helpers";
import { BASE_URL, type FakePsp, fakePsp, TOKEN_URL } from "./fake-psp";

export const T0 = Date.parse("2026-05-01T12:00:00Z");
export const MINUTE = 60_000;
export const CLIENT_SECRET = "psp-secret-Zx81!q";

/**
 * One test's world: a pix source of its own (its own name, so its reconcile state and dedup
 * markers are its own), a fake PSP behind the Worker's fetch, the real local KV, and the real
 * queue wrapped to record what was enqueued.
 */
export function pixWorld(reconcile: Record<string, unknown> = {}, psp: FakePsp = pspFor(), sourceExtra: Record<string, unknown> = {}) {
  const source = uniqueId("psp").toLowerCase().slice(0, 60);
  const clientId = (reconcile.clientId as string | undefined) ?? pspClientId(psp);
  const config = {
    sources: {
      [source]: {
        provider: "pix",
        auth: [{ type: "none" }],
        reconcile: { baseUrl: BASE_URL, tokenUrl: TOKEN_URL, clientId, clientSecret: { secret: "PSP_CLIENT_SECRET" }, ...reconcile },
        ...sourceExtra,
      },
    },
    routes: [{ id: "ledger", events: ["pix.*"], url: "http://127.0.0.1:8860/ledger" }],
  };
  const { queue, sent } = recordingQueue();
  const pages = pageQueue();
  const bindings = { ...env, GATEWAY_CONFIG: JSON.stringify(config), PSP_CLIENT_SECRET: CLIENT_SECRET, DELIVERIES: queue, RECONCILE: pages.queue };
  const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(psp.fetch);
  const logs: string[] = [];

  return {
    source,
    psp,
    fetchSpy,
    logs,
    bindings,
    /** Every envelope enqueued so far (one message per route; there is one route). */
    /** (Large acceptances also queue follow-up messages, marks and unrouted records: not envelopes.) */
    enqueued: (): Envelope[] => sent.flatMap((m) => (m.envelope ? [m.envelope] : [])),
    /** The Cron Trigger firing at `at`, its waitUntil work awaited; log lines kept in `logs`. */
    async cron(at: number, extra: Record<string, unknown> = {}, cron = "* * * * *") {
      const { lines } = await captureLogs(async () => {
        const controller = createScheduledController({ scheduledTime: new Date(at), cron });
        const ctx = createExecutionContext();
        await worker.scheduled(controller, { ...bindings, ...extra } as never, ctx);
        await waitOnExecutionContext(ctx);
      });
      logs.push(...lines);
    },
    /** The PSP's webhook: `POST /hooks/{source}/pix` with `{"pix": items}`. */
    async webhook(items: unknown[]) {
      const request = new Request(`http://localhost/hooks/${source}/pix`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pix: items }),
      });
      const { result } = await captureLogs(() => callWorker(request, bindings));
      return result;
    },
    /** Page messages sent to the RECONCILE queue so far, and with which delay. */
    pages: pages.sent,
    /**
     * The RECONCILE queue's consumer at `at`, one real batch of one per page message (as
     * wrangler.toml has it), until no page is left; pages sent on the way are read too. Answers
     * how many batches ran and what each settled (ack or retry). `most`: stop after that many.
     */
    async drain(at: number, extra: Record<string, unknown> = {}, most = Number.POSITIVE_INFINITY) {
      const settled: { acked: boolean; retried: boolean }[] = [];
      while (pages.next < pages.sent.length && settled.length < most) {
        const { body } = pages.sent[pages.next]!;
        pages.next += 1;
        const batch = createMessageBatch("hookgate-reconcile", [{ id: `page-${pages.next}`, timestamp: new Date(at), attempts: 1, body }]);
        const ctx = createExecutionContext();
        const { lines } = await captureLogs(() =>
          handleReconcileBatch(batch, { ...bindings, ...extra } as never, { fetch: (input, init) => fetch(input, init), now: () => at }, (p) =>
            ctx.waitUntil(p),
          ),
        );
        logs.push(...lines);
        const result = await getQueueResult(batch, ctx);
        settled.push({ acked: result.explicitAcks.length === 1, retried: result.retryMessages.length === 1 });
      }
      return settled;
    },
    async state(): Promise<ReconcileState> {
      return (await env.STATE.get(stateKey(source), "json")) as ReconcileState;
    },
  };
}

/** The real local RECONCILE queue, wrapped so a test reads what was sent and drains it itself. */
function pageQueue() {
  const sent: { body: ReconcilePage; delaySeconds?: number }[] = [];
  const state = {
    sent,
    next: 0,
    queue: {
      async send(body: ReconcilePage, options?: QueueSendOptions) {
        sent.push({ body, delaySeconds: options?.delaySeconds });
        await env.RECONCILE!.send(body, options);
      },
      async sendBatch(messages: Iterable<MessageSendRequest<ReconcilePage>>, options?: QueueSendBatchOptions) {
        const list = [...messages];
        sent.push(...list.map((m) => ({ body: m.body, delaySeconds: m.delaySeconds })));
        await env.RECONCILE!.sendBatch(list, options);
      },
    },
  };
  return state;
}

const clientIds = new WeakMap<FakePsp, string>();

/** A fake PSP and the client id it knows. */
export function pspFor(options: { tokenLifetime?: number; statesPageCount?: boolean } = {}): FakePsp {
  const clientId = uniqueId("client");
  const psp = fakePsp({ clientId, clientSecret: CLIENT_SECRET, ...options });
  clientIds.set(psp, clientId);
  return psp;
}

function pspClientId(psp: FakePsp): string {
  const id = clientIds.get(psp);
  if (id === undefined) throw new Error("make the PSP with pspFor()");
  return id;
}

/** A received Pix as GET /pix lists it, at `at`, with a unique endToEndId. */
export function receivedPix(at: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endToEndId: `E12345678${uniqueId("")
      .replace(/[^a-z0-9]/gi, "")
      .slice(0, 23)}`,
    txid: crypto.randomUUID().replace(/-/g, ""),
    valor: "100.00",
    horario: new Date(at).toISOString(),
    infoPagador: "Reforma da casa",
    ...extra,
  };
}
