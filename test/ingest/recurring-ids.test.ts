import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config/load";
import { envelopeKeyFor } from "../../src/delivery/message";
import { getEvent } from "../../src/ledger/queries";
import { callWorker, uniqueId } from "../helpers";

// BMP's status 5 ("pending") comes back for real after the dedup window: the second
// occurrence must be a new envelope id, a provider's retry of one callback the same one.

const API_KEY = "recurring-ids-api-key";
const config = { sources: { bmp: { provider: "bmp", auth: [{ type: "header", name: "API-Key", value: API_KEY }] } }, routes: [] };

afterEach(() => vi.useRealTimers());

async function pending(proposal: string, at: string) {
  vi.setSystemTime(new Date(at));
  const response = await callWorker(
    new Request(`https://gw.example/hooks/bmp?proposal=${proposal}&status=5`, { method: "GET", headers: { "API-Key": API_KEY } }),
    {
      GATEWAY_CONFIG: JSON.stringify(config),
    },
  );
  return { status: response.status, body: await response.json<{ status: string; ids: string[] }>() };
}

describe("a BMP status that recurs", () => {
  it("is one envelope for the provider's retries, another for its next real occurrence, each stored apart", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const proposal = uniqueId().replace(/-/g, "");
    const first = await pending(proposal, "2026-12-01T10:30:00Z");
    expect(first).toEqual({ status: 202, body: { status: "accepted", ids: [`bmp:${proposal}:5@20261201T100000Z`] } });

    // A retry 40 minutes on, within BMP's one-hour window but in the next hour: the first's id.
    const retry = await pending(proposal, "2026-12-01T11:10:00Z");
    expect(retry).toEqual({ status: 200, body: { status: "duplicate", ids: first.body.ids } });

    // The window passed (KV expired the marker): the status came back for real.
    await env.DEDUP.delete(`bmp:${proposal}:5`);
    const again = await pending(proposal, "2026-12-01T12:20:00Z");
    expect(again).toEqual({ status: 202, body: { status: "accepted", ids: [`bmp:${proposal}:5@20261201T120000Z`] } });

    // No route matched either: two unrouted envelopes in the ledger, neither overwriting the other.
    const [a, b] = [first.body.ids[0]!, again.body.ids[0]!];
    const parsed = parseConfig(JSON.stringify(config), () => undefined, { localDev: true });
    if (!parsed.ok) throw new Error(parsed.problems.join("; "));
    expect(await getEvent(env as never, parsed.config, a)).toMatchObject({ state: "unrouted", event: { id: a, occurrenceof: `bmp:${proposal}:5` } });
    expect(await getEvent(env as never, parsed.config, b)).toMatchObject({ state: "unrouted", event: { id: b, occurrenceof: `bmp:${proposal}:5` } });
    expect(envelopeKeyFor(a)).not.toBe(envelopeKeyFor(b));
  });
});
