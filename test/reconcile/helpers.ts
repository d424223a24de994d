import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src";
import type { Envelope } from "../../src/envelope";
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
export function pixWorld(reconcile: Record<string, unknown> = {}, psp: FakePsp = pspFor()) {
  const source = uniqueId("psp").toLowerCase().slice(0, 60);
  const clientId = (reconcile.clientId as string | undefined) ?? pspClientId(psp);
  const config = {
    sources: {
      [source]: {
        provider: "pix",
        auth: [{ type: "none" }],
        reconcile: { baseUrl: BASE_URL, tokenUrl: TOKEN_URL, clientId, clientSecret: { secret: "PSP_CLIENT_SECRET" }, ...reconcile },
      },
    },
    routes: [{ id: "ledger", events: ["pix.*"], url: "http://127.0.0.1:8860/ledger" }],
  };
  const { queue, sent } = recordingQueue();
  const bindings = { ...env, GATEWAY_CONFIG: JSON.stringify(config), PSP_CLIENT_SECRET: CLIENT_SECRET, DELIVERIES: queue };
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
    async state(): Promise<ReconcileState> {
      return (await env.STATE.get(stateKey(source), "json")) as ReconcileState;
    },
  };
}

const clientIds = new WeakMap<FakePsp, string>();

/** A fake PSP and the client id it knows. */
export function pspFor(options: { tokenLifetime?: number } = {}): FakePsp {
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
