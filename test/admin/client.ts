import { callWorker, recordingQueue } from "../helpers";

export const ADMIN_TOKEN = "admin-token-for-tests-5b1e9f0c2d7a";

export const ADMIN_CONFIG = {
  sources: {
    acme: { provider: "generic", eventType: "acme.event", auth: [{ type: "none" }] },
  },
  routes: [{ id: "ledger", events: ["acme.*"], url: "https://ledger.internal.example/hooks", auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }],
};

/** Admin calls against the worker with a config, its secret, the admin token and a recording queue. */
export function adminClient(overrides: Record<string, unknown> = {}) {
  const recorder = recordingQueue();
  const bound = { GATEWAY_CONFIG: JSON.stringify(ADMIN_CONFIG), LEDGER_TOKEN: "ledger-secret", ADMIN_TOKEN, DELIVERIES: recorder.queue, ...overrides };
  const admin = (method: string, path: string, body?: unknown) =>
    callWorker(
      new Request(`https://gw.example${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      bound,
    );
  return { admin, recorder, bound };
}
