import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { unroutedDeadLetter } from "../../src/deadletters/build";
import { putDeadLetter } from "../../src/deadletters/store";
import { envelope } from "../delivery/helpers";
import { bs2Boleto as boleto, callWorker, uniqueId } from "../helpers";
import { admin, bindings, capturingQueue, drain, eventConfig, notify, route } from "../ledger/helpers";

/** The finance service takes "money credited" only: boleto status 3. */
const finance = route("finance", ["bs2.boleto.*"], { filter: { data: { StatusBoleto: { Status: 3 } } } });

interface Detail {
  state: string;
  deliveries: { routeId: string; state: string; attempts: unknown[] }[];
}

const eventPath = (id: string) => `/admin/events/${encodeURIComponent(id)}`;

describe("a route with a payload filter, end to end", () => {
  it("delivers boleto status 3 to finance, and records status 2 as filtered: not unrouted, not a dead letter", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([finance]), { DELIVERIES: queue });
    const id = uniqueId("boleto");

    const paid = await notify(boleto(id, 2), bound, undefined, "bs2");
    expect(paid.status).toBe(202);
    expect(await paid.json()).toEqual({ status: "accepted", ids: [`bs2:${id}:2`] });
    // Nothing was queued for it: no message, no unrouted dead letter.
    expect(take()).toEqual([]);

    expect((await notify(boleto(id, 3), bound, undefined, "bs2")).status).toBe(202);
    const queued = take();
    expect(queued).toEqual([expect.objectContaining({ routeId: "finance", envelope: expect.objectContaining({ id: `bs2:${id}:3` }) })]);
    const requested: string[] = [];
    await drain(
      () => queued.splice(0),
      bound,
      (url) => {
        requested.push(url);
        return new Response("", { status: 200 });
      },
    );
    // Finance received one request: the status 3 envelope's.
    expect(requested).toEqual(["http://127.0.0.1:9/finance"]);
    const settled = (await admin<Detail>(eventPath(`bs2:${id}:3`), bound)).body;
    expect(settled.state).toBe("delivered");
    expect(settled.deliveries).toEqual([
      expect.objectContaining({ routeId: "finance", state: "delivered", attempts: [expect.objectContaining({ status: 200 })] }),
    ]);

    const filtered = (await admin<Detail>(eventPath(`bs2:${id}:2`), bound)).body;
    expect(filtered).toMatchObject({ state: "filtered", deliveries: [{ routeId: "finance", state: "filtered", attempts: [] }] });
    const listed = await admin<{ events: { id: string; state: string; routes: Record<string, string> }[] }>("/admin/events?state=filtered&source=bs2", bound);
    expect(listed.body.events).toContainEqual(expect.objectContaining({ id: `bs2:${id}:2`, state: "filtered", routes: { finance: "filtered" } }));
    expect(listed.body.events.map((e) => e.id)).not.toContain(`bs2:${id}:3`);
    const deadLetters = await admin<{ deadLetters: { envelopeId?: string }[] }>(`/admin/dead-letters?q=${encodeURIComponent(`bs2:${id}:2`)}`, bound);
    expect(deadLetters.body.deadLetters).toEqual([]);

    const console = await callWorker(
      new Request(`http://localhost/admin/console/views/events/${encodeURIComponent(`bs2:${id}:2`)}`, {
        headers: { authorization: `Bearer ${bound.ADMIN_TOKEN}` },
      }),
      bound,
    );
    expect(console.status).toBe(200);
    const page = await console.text();
    expect(page).toContain("finance");
    expect(page).toMatch(/<span aria-hidden="true">[^<]*<\/span> filtered/);
  });

  it("keeps the other routes delivering, counts the filtered per route, and lets a redeliver choose the filtered route", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([finance, route("archive", ["bs2.boleto.*"])]), { DELIVERIES: queue });
    const id = uniqueId("boleto");
    expect((await notify(boleto(id, 2), bound, undefined, "bs2")).status).toBe(202);
    const sent = take();
    expect(sent.map((m) => (m as { routeId: string }).routeId)).toEqual(["archive"]);
    const urls: string[] = [];
    await drain(
      () => sent.splice(0),
      bound,
      (url) => {
        urls.push(url);
        return new Response("", { status: 200 });
      },
    );
    expect(urls).toEqual(["http://127.0.0.1:9/archive"]);
    const detail = (await admin<Detail>(eventPath(`bs2:${id}:2`), bound)).body;
    expect(detail.state).toBe("delivered");
    expect(Object.fromEntries(detail.deliveries.map((d) => [d.routeId, d.state]))).toEqual({ finance: "filtered", archive: "delivered" });

    const metrics = await admin<{ buckets: { routes: Record<string, { filtered?: number }> }[] }>("/admin/metrics?bucket=minute", bound);
    const filteredCount = metrics.body.buckets.reduce((sum, b) => sum + (b.routes.finance?.filtered ?? 0), 0);
    expect(filteredCount).toBeGreaterThanOrEqual(1);

    // An operator may still send it to the filtered route on purpose: it goes pending, then delivered.
    const redeliver = await admin(`${eventPath(`bs2:${id}:2`)}/redeliver`, bound, { method: "POST", body: JSON.stringify({ routes: ["finance"] }) });
    expect(redeliver.status).toBe(202);
    const again = take();
    expect(again.map((m) => (m as { routeId: string }).routeId)).toEqual(["finance"]);
    await drain(
      () => again.splice(0),
      bound,
      () => new Response("", { status: 200 }),
    );
    const after = (await admin<Detail>(eventPath(`bs2:${id}:2`), bound)).body;
    expect(Object.fromEntries(after.deliveries.map((d) => [d.routeId, d.state]))).toEqual({ finance: "delivered", archive: "delivered" });
    expect(after.state).toBe("delivered");
  });
});

describe("POST /admin/routes/test-filter", () => {
  it("tries a filter on a real past event and says why it does not match", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([route("archive", ["bs2.boleto.*"])]), { DELIVERIES: queue });
    const id = uniqueId("boleto");
    expect((await notify(boleto(id, 2), bound, undefined, "bs2")).status).toBe(202);
    take();
    const test = (body: unknown) =>
      admin<{ matches: boolean; reasons: unknown[] }>("/admin/routes/test-filter", bound, { method: "POST", body: JSON.stringify(body) });

    expect((await test({ filter: { data: { StatusBoleto: { Status: 2 } } }, eventId: `bs2:${id}:2` })).body).toEqual({ matches: true, reasons: [] });
    expect((await test({ filter: { data: { StatusBoleto: { Status: 3 } } }, eventId: `bs2:${id}:2` })).body).toEqual({
      matches: false,
      reasons: [{ path: "data.StatusBoleto.Status", operator: "equals", expected: 3, actual: "2" }],
    });
    expect((await test({ filter: { data: { Valor: { $gt: 100 } } }, envelope: { data: { Valor: "150.00" } } })).body).toEqual({ matches: true, reasons: [] });

    const bad = await test({ filter: { data: { Valor: { $more: 1 } } }, eventId: `bs2:${id}:2` });
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: { message: string } }).error.message).toMatch(/^filter\.data\.Valor\.\$more: unknown operator "\$more"/);
    expect((await test({ filter: {}, eventId: "bs2:never-seen" })).status).toBe(404);
    expect((await test({ filter: {} })).status).toBe(400);
  });

  it("with the event log off: 404 for an event id, saying to give the envelope; an envelope still answers", async () => {
    const bound = bindings(eventConfig([route("archive", ["bs2.boleto.*"])], { eventLog: { enabled: false } }));
    const test = (body: unknown) =>
      admin<{ matches?: boolean; error?: { message: string } }>("/admin/routes/test-filter", bound, { method: "POST", body: JSON.stringify(body) });
    const off = await test({ filter: {}, eventId: "bs2:any:2" });
    expect(off.status).toBe(404);
    expect(off.body.error?.message).toBe("the event log is off (eventLog.enabled is false, or no LEDGER binding); give the envelope instead");
    expect((await test({ filter: { type: "x" }, envelope: { type: "x" } })).body).toEqual({ matches: true, reasons: [] });
  });
});

describe("a filter on a route added through the admin API", () => {
  it("is validated, shown, applied at ingest, and removed with null", async () => {
    const { queue, take } = capturingQueue();
    const bound = bindings(eventConfig([]), { DELIVERIES: queue, LOCAL_DEV: "true" });
    const routeId = uniqueId("fin").toLowerCase().slice(0, 30);
    const create = (filter: unknown) =>
      admin<{ id: string; filter?: unknown; error?: { message: string } }>("/admin/routes", bound, {
        method: "POST",
        body: JSON.stringify({ id: routeId, url: "http://127.0.0.1:9/fin", event: "bs2.boleto.*", auth: { type: "none" }, filter }),
      });
    const refused = await create({ data: { StatusBoleto: { Status: { $in: 3 } } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.message).toContain("filter.data.StatusBoleto.Status.$in: $in expects");
    const made = await create({ data: { StatusBoleto: { Status: 3 } } });
    expect(made.status).toBe(201);
    expect(made.body.filter).toEqual({ data: { StatusBoleto: { Status: 3 } } });

    const id = uniqueId("boleto");
    await notify(boleto(id, 2), bound, undefined, "bs2");
    await notify(boleto(id, 3), bound, undefined, "bs2");
    const queued = take() as { routeId: string; envelope: { id: string } }[];
    expect(queued.filter((m) => m.routeId === routeId).map((m) => m.envelope.id)).toEqual([`bs2:${id}:3`]);

    const removed = await admin<{ filter?: unknown }>(`/admin/routes/${routeId}`, bound, { method: "PUT", body: JSON.stringify({ filter: null }) });
    expect(removed.status).toBe(200);
    expect(removed.body.filter).toBeUndefined();
    await notify(boleto(id, 4), bound, undefined, "bs2");
    expect((take() as { routeId: string }[]).filter((m) => m.routeId === routeId)).toHaveLength(1);
  });
});

describe("the console's route view", () => {
  it("shows a route's filter as JSON text, escaped", async () => {
    const filter = { data: { StatusBoleto: { Status: 3 }, Nota: { $startsWith: "<script>alert(1)</script>" } } };
    const bound = bindings(eventConfig([route("finance", ["bs2.boleto.*"], { filter })]));
    const response = await callWorker(
      new Request("http://localhost/admin/console/views/routes", { headers: { authorization: `Bearer ${bound.ADMIN_TOKEN}` } }),
      bound,
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("filter: {&quot;data&quot;:{&quot;StatusBoleto&quot;:{&quot;Status&quot;:3}");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
  });
});

describe("replaying an unrouted dead letter", () => {
  it("goes only to routes whose filter takes it, and is refused when every filter leaves it out", async () => {
    const record = await unroutedDeadLetter(envelope({ type: "acme.paid", data: { amount: 1250 } }), "acme", Date.now());
    await putDeadLetter(env.STATE, record, 14);
    const replay = (bound: ReturnType<typeof bindings>) => admin<{ routes?: string[] }>(`/admin/dead-letters/${record.id}/replay`, bound, { method: "POST" });

    const big = route("big", ["acme.*"], { filter: { data: { amount: { $gte: 10_000 } } } });
    const refused = await replay(bindings(eventConfig([big])));
    expect(refused.status).toBe(409);

    const { queue, take } = capturingQueue();
    const small = route("small", ["acme.*"], { filter: { data: { amount: { $lt: 10_000 } } } });
    const sent = await replay(bindings(eventConfig([big, small]), { DELIVERIES: queue }));
    expect(sent.status).toBe(202);
    expect(sent.body.routes).toEqual(["small"]);
    expect((take() as { routeId: string }[]).map((m) => m.routeId)).toEqual(["small"]);
  });
});
