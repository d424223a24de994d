import { afterEach, describe, expect, it, vi } from "vitest";
import { pix } from "../../src/adapters/pix";
import * as examples from "../adapters/pix-examples";
import { accepted, providerRequest, sourceFor } from "../adapters/provider-request";
import { CLIENT_SECRET, MINUTE, pixWorld, pspFor, receivedPix, T0 } from "./helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Pix reconciliation", () => {
  it("does not deliver again a Pix the webhook delivered, and delivers the one it missed once, recovered", async () => {
    const world = pixWorld();
    const delivered = receivedPix(T0 - 30 * MINUTE);
    const missed = receivedPix(T0 - 20 * MINUTE);
    expect((await world.webhook([delivered])).status).toBe(202);
    world.psp.pix.push(delivered, missed);

    await world.cron(T0);
    const [webhook, recovered, ...others] = world.enqueued();
    expect(others).toEqual([]);
    expect(webhook).toMatchObject({ id: `${world.source}:${delivered.endToEndId}`, type: "pix.received" });
    expect(webhook?.recovered).toBeUndefined();
    expect(recovered).toMatchObject({
      id: `${world.source}:${missed.endToEndId}`,
      type: "pix.received",
      subject: missed.txid,
      time: missed.horario,
      data: missed,
      recovered: true,
    });

    await world.cron(T0 + 10 * MINUTE); // the next run reads the same window again
    expect(world.psp.pageRequests()).toHaveLength(2);
    expect(world.enqueued()).toHaveLength(2);
    expect((await world.state()).totals).toMatchObject({ runs: 2, recovered: 1, failures: 0 });
  });

  it("builds the webhook's very envelope: same id, type, subject, time and data", async () => {
    const world = pixWorld();
    world.psp.pix.push(receivedPix(T0 - MINUTE));
    await world.cron(T0);
    const [recovered] = world.enqueued();
    const fromWebhook = await accepted(pix, providerRequest({ rest: "pix", body: JSON.stringify({ pix: [recovered?.data] }) }), sourceFor("pix"));
    expect(fromWebhook.map((n) => `${world.source}:${n.id}`)).toEqual([recovered?.id]);
    const { recovered: flag, receivedat: _r, ...rest } = recovered!;
    expect(flag).toBe(true);
    expect(rest).toEqual({
      specversion: "1.0",
      id: `${world.source}:${fromWebhook[0]?.id}`,
      source: `/hooks/${world.source}`,
      type: fromWebhook[0]?.type,
      subject: fromWebhook[0]?.subject,
      time: fromWebhook[0]?.time,
      datacontenttype: "application/json",
      data: recovered?.data,
    });
  });

  it("matches the webhook's refund id for a refund it finds, and recovers the refund the webhook missed", async () => {
    const world = pixWorld();
    const settled = { ...examples.devolucaoResponse1(), status: "DEVOLVIDO" };
    const pixWithRefund = receivedPix(T0 - 40 * MINUTE, { devolucoes: [settled] });
    expect((await world.webhook([pixWithRefund])).status).toBe(202);
    const refundId = `${world.source}:${pixWithRefund.endToEndId}:refund:123456:devolvido`;
    expect(world.enqueued().map((e) => e.id)).toEqual([`${world.source}:${pixWithRefund.endToEndId}`, refundId]);

    // Later the PSP lists the Pix with a second refund whose webhook never came.
    // (Banco Central's example, at a time dedup still covers: an older one is counted, not delivered; volume.test.ts.)
    const missedRefund = { ...examples.devolucaoResponse2(), horario: { solicitacao: new Date(T0 - 10 * MINUTE).toISOString() } };
    world.psp.pix.push({ ...pixWithRefund, devolucoes: [settled, missedRefund] });
    await world.cron(T0);
    const recovered = world.enqueued().slice(2);
    expect(recovered.map((e) => [e.id, e.type, e.recovered])).toEqual([
      [`${world.source}:${pixWithRefund.endToEndId}:refund:502:nao_realizado`, "pix.refund.nao_realizado", true],
    ]);
    const { endToEndId, txid, valor, horario } = pixWithRefund;
    expect(recovered[0]?.data).toEqual({ endToEndId, txid, valor, horario, devolucoes: [missedRefund] });
  });

  it("follows 3 pages of a window: the first read by the cron, the other two one queue message each", async () => {
    const world = pixWorld({ itemsPerPage: 2 });
    const items = [1, 2, 3, 4, 5].map((n) => receivedPix(T0 - n * MINUTE));
    world.psp.pix.push(...items);
    await world.cron(T0);
    expect(world.pages.map((p) => [p.body.page, p.body.fanOut])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(world.enqueued()).toHaveLength(2);
    expect(await world.drain(T0)).toEqual([
      { acked: true, retried: false },
      { acked: true, retried: false },
    ]);
    expect(world.psp.pageRequests().map((r) => [r.query.get("paginacao.paginaAtual"), r.query.get("paginacao.itensPorPagina")])).toEqual([
      ["0", "2"],
      ["1", "2"],
      ["2", "2"],
    ]);
    expect(world.psp.pageRequests()[0]?.query.get("inicio")).toBe("2026-05-01T10:00:00Z");
    expect(world.psp.pageRequests()[0]?.query.get("fim")).toBe("2026-05-01T12:00:00Z");
    expect(new Set(world.enqueued().map((e) => e.data))).toEqual(new Set(items));
    expect(await world.state()).toMatchObject({ lastCompletedFim: "2026-05-01T12:00:00.000Z", nextRunAt: "2026-05-01T12:10:00.000Z" });
  });

  it("without the RECONCILE queue, reads at most maxPagesPerRun pages a run and goes on at the next tick", async () => {
    const world = pixWorld({ itemsPerPage: 1, maxPagesPerRun: 2 });
    world.psp.pix.push(receivedPix(T0 - MINUTE), receivedPix(T0 - 2 * MINUTE), receivedPix(T0 - 3 * MINUTE));
    await world.cron(T0, { RECONCILE: undefined });
    expect(world.enqueued()).toHaveLength(2);
    expect((await world.state()).scan).toMatchObject({ page: 2, fim: "2026-05-01T12:00:00.000Z" });
    await world.cron(T0 + MINUTE, { RECONCILE: undefined });
    expect(world.enqueued()).toHaveLength(3);
    expect(world.psp.pageRequests().map((r) => r.query.get("fim"))).toEqual(Array(3).fill("2026-05-01T12:00:00Z"));
    expect((await world.state()).scan).toBeUndefined();
  });

  it("catches up after a PSP outage over several runs, each missed Pix delivered once", async () => {
    const world = pixWorld({ everyMinutes: 10, windowMinutes: 30 });
    world.psp.pix.push(receivedPix(T0 - 5 * MINUTE));
    await world.cron(T0);
    expect(world.enqueued()).toHaveLength(1);

    // Four hours of 503s, while Pix keep arriving and their webhooks are lost too.
    world.psp.setOutage(503);
    const during = [30, 90, 150, 210].map((m) => receivedPix(T0 + m * MINUTE));
    world.psp.pix.push(...during);
    for (let m = 10; m <= 240; m += 1) await world.cron(T0 + m * MINUTE);
    const failed = await world.state();
    expect(failed.consecutiveFailures).toBeGreaterThanOrEqual(4);
    expect(failed.lastError).toMatchObject({ code: "server_error", status: 503 });
    expect(failed.totals.failures).toBe(failed.consecutiveFailures);
    // Backoff: 1, 2, 4, 8, then every 10 minutes, not every tick.
    expect(world.psp.requests.length).toBeLessThan(30);

    world.psp.setOutage(undefined);
    for (let m = 241; m <= 260; m += 1) await world.cron(T0 + m * MINUTE);
    const recovered = world.enqueued().slice(1);
    expect(recovered.map((e) => e.data)).toEqual(during);
    expect(recovered.every((e) => e.recovered === true)).toBe(true);
    // The scan after the outage reached back to the end of the last good one, minus the window.
    expect(world.psp.pageRequests().some((r) => r.query.get("inicio") === "2026-05-01T11:30:00Z")).toBe(true);
    expect(await world.state()).toMatchObject({ consecutiveFailures: 0 });
  });

  it("never reaches back further than the source's dedup window", async () => {
    const world = pixWorld({ windowMinutes: 120 });
    await world.cron(T0);
    await world.cron(T0 + 30 * 24 * 60 * MINUTE); // a month later
    const last = world.psp.pageRequests().at(-1);
    expect(last?.query.get("inicio")).toBe("2026-05-24T12:10:00Z"); // 7 days, the pix default, less the 10-minute margin
  });

  it("runs on the every-minute trigger and a manual one, not on the hourly retention trigger", async () => {
    const world = pixWorld();
    await world.cron(T0, {}, "17 * * * *");
    expect(world.psp.requests).toHaveLength(0);
    await world.cron(T0, {}, "");
    expect(world.psp.pageRequests()).toHaveLength(1);
  });

  it("waits for its turn: a run before everyMinutes asks the PSP nothing", async () => {
    const world = pixWorld({ everyMinutes: 10 });
    await world.cron(T0);
    for (let m = 1; m < 10; m += 1) await world.cron(T0 + m * MINUTE);
    expect(world.psp.pageRequests()).toHaveLength(1);
    await world.cron(T0 + 10 * MINUTE);
    expect(world.psp.pageRequests()).toHaveLength(2);
  });
});

describe("the PSP's token", () => {
  it("is reused until it expires, then asked for again", async () => {
    const world = pixWorld({ everyMinutes: 1 }, pspFor({ tokenLifetime: 300 }));
    for (let m = 0; m < 4; m += 1) await world.cron(T0 + m * MINUTE);
    expect(world.psp.pageRequests()).toHaveLength(4);
    expect(world.psp.tokenRequests()).toHaveLength(1);
    await world.cron(T0 + 5 * MINUTE); // 300 s lifetime, not used in its last 30 s
    expect(world.psp.tokenRequests()).toHaveLength(2);
    const bearers = world.psp.pageRequests().map((r) => r.headers.get("authorization"));
    expect(new Set(bearers.slice(0, 4)).size).toBe(1);
    expect(bearers[4]).not.toBe(bearers[0]);
  });

  it("is asked for as Banco Central's PSPs mostly do: Basic client credentials, a form, scope pix.read", async () => {
    const world = pixWorld();
    await world.cron(T0);
    const [token] = world.psp.tokenRequests();
    expect(token?.headers.get("authorization")).toBe(`Basic ${btoa(`${world.bindings.GATEWAY_CONFIG.match(/"clientId":"([^"]+)"/)?.[1]}:${CLIENT_SECRET}`)}`);
    expect(token?.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({ grant_type: "client_credentials", scope: "pix.read" });
  });

  it("can be asked for with the credentials in a JSON body and no scope (Efí), and API calls can carry extra query (BB)", async () => {
    const world = pixWorld({ tokenAuth: "body", tokenFormat: "json", scope: "", query: { "gw-dev-app-key": "bb-app-key-1" } });
    await world.cron(T0);
    const [token] = world.psp.tokenRequests();
    expect(token?.headers.get("authorization")).toBeNull();
    expect(JSON.parse(token?.body ?? "")).toEqual({ grant_type: "client_credentials", client_id: expect.any(String), client_secret: CLIENT_SECRET });
    expect(world.psp.pageRequests()[0]?.query.get("gw-dev-app-key")).toBe("bb-app-key-1");
    expect(token?.query.has("gw-dev-app-key")).toBe(false);
    expect((await world.state()).lastCompletedFim).toBeDefined();
  });

  it("is dropped when the API refuses it, and a new one is asked for at the next run", async () => {
    const world = pixWorld({ everyMinutes: 1 });
    await world.cron(T0);
    world.psp.revokeTokens();
    await world.cron(T0 + MINUTE);
    expect((await world.state()).lastError).toMatchObject({ code: "unauthorized", status: 401 });
    await world.cron(T0 + 2 * MINUTE);
    expect(world.psp.tokenRequests()).toHaveLength(2);
    expect((await world.state()).consecutiveFailures).toBe(0);
  });
});

describe("a failing PSP", () => {
  it.each([
    [401, "token_refused"],
    [429, "rate_limited"],
    [500, "server_error"],
    ["garbage", "garbage"],
    ["no_answer", "unreachable"],
  ] as const)("answering %s is logged as %s and counted, never fatal, and the next run tries again", async (outage, code) => {
    const world = pixWorld({ everyMinutes: 1 });
    world.psp.pix.push(receivedPix(T0 - MINUTE));
    world.psp.setOutage(outage);
    await world.cron(T0);
    const state = await world.state();
    expect(state).toMatchObject({ consecutiveFailures: 1, totals: { failures: 1 }, lastError: { code } });
    expect(state.scan).toBeDefined();
    const line = world.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === "reconcile_failed");
    expect(line).toMatchObject({ source: world.source, error: code, consecutiveFailures: 1 });

    world.psp.setOutage(undefined);
    await world.cron(T0 + 2 * MINUTE); // after the backoff (and the 429's Retry-After)
    expect(world.enqueued()).toHaveLength(1);
    expect(await world.state()).toMatchObject({ consecutiveFailures: 0, totals: { failures: 1, recovered: 1 } });
  });

  it("waits at least as long as a 429's Retry-After", async () => {
    const world = pixWorld({ everyMinutes: 1 });
    world.psp.setOutage(429);
    await world.cron(T0);
    expect((await world.state()).nextRunAt).toBe("2026-05-01T12:02:00.000Z");
  });

  it("never logs or stores the client secret or the token", async () => {
    const world = pixWorld({ everyMinutes: 1 });
    world.psp.pix.push(receivedPix(T0 - MINUTE));
    await world.cron(T0);
    world.psp.revokeTokens();
    await world.cron(T0 + MINUTE);
    world.psp.setOutage(500);
    await world.cron(T0 + 2 * MINUTE);
    const token = world.psp.pageRequests()[0]?.headers.get("authorization")?.slice("Bearer ".length);
    const kept = [...world.logs, JSON.stringify(await world.state()), JSON.stringify(world.enqueued())].join("\n");
    expect(token).toMatch(/^tok-/);
    expect(kept).not.toContain(token);
    expect(kept).not.toContain(CLIENT_SECRET);
    expect(world.logs.length).toBeGreaterThanOrEqual(3);
  });
});

describe("the mTLS certificate binding", () => {
  it("carries every call to the PSP when the source names one", async () => {
    const world = pixWorld({ certificate: "PSP_MTLS" });
    world.fetchSpy.mockImplementation(() => Promise.reject(new Error("plain fetch must not be used")));
    const binding = { fetch: vi.fn(world.psp.fetch) };
    world.psp.pix.push(receivedPix(T0 - MINUTE));
    await world.cron(T0, { PSP_MTLS: binding });
    expect(binding.fetch).toHaveBeenCalledTimes(2); // the token, then the page
    expect(world.fetchSpy).not.toHaveBeenCalled();
    expect(world.enqueued()).toHaveLength(1);
  });

  it("fails closed when the named binding is missing: nothing is sent without the certificate", async () => {
    const world = pixWorld({ certificate: "PSP_MTLS" });
    await world.cron(T0);
    expect(world.psp.requests).toHaveLength(0);
    expect((await world.state()).lastError).toMatchObject({ code: "certificate_missing" });
  });
});
