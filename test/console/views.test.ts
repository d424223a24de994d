import type { JSX } from "hono/jsx/jsx-runtime";
import { describe, expect, it } from "vitest";
import { hoursEnding, overviewOf } from "../../src/console/overview-data";
import { maskOf } from "../../src/console/personal-data";
import type { EventDetail, EventList } from "../../src/console/shapes";
import { DeadLettersView } from "../../src/console/views/dead-letters";
import { EventView, timelineOf } from "../../src/console/views/event";
import { EventsView } from "../../src/console/views/events";
import { OverviewView } from "../../src/console/views/overview";
import { RoutesView } from "../../src/console/views/routes";
import { SourcesView } from "../../src/console/views/sources";

const render = async (node: JSX.Element) => String(await node.toString());

const SCRIPT = "<script>window.__pwned=1</script>";
const IMG = '"><img src=x onerror="window.__pwned=2">';
const JS_URL = "javascript:window.__pwned=3";

/** No markup from a payload survives: only the views' own tags, and no handler or script URL anywhere. */
function expectInert(html: string) {
  expect(html).not.toContain("<script");
  expect(html).not.toContain("<img");
  // Every "<" from a payload is escaped, so each "<" here opens one of the views' own tags.
  expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
  expect(html).not.toMatch(/<[^>]*(href|src|action)="\s*javascript:/i);
}

const hostileEvent: EventDetail = {
  event: {
    specversion: "1.0",
    id: `acme:${IMG}`,
    source: "/hooks/acme",
    type: `acme.${SCRIPT}`,
    subject: JS_URL,
    time: "2026-12-01T10:00:00Z",
    datacontenttype: "application/json",
    data: { note: SCRIPT, link: JS_URL, attr: IMG, pagador: { nome: "Francisco da Silva", cpf: "529.982.247-25" }, email: "ana@example.com" },
    receivedat: "2026-12-01T10:00:01Z",
  },
  state: "dead",
  requests: [
    { requestId: "req-2", at: "2026-12-01T10:05:00Z", outcome: "duplicate" },
    { requestId: "req-1", at: "2026-12-01T10:00:01Z", outcome: "accepted" },
  ],
  deliveries: [
    {
      routeId: "ledger",
      state: "dead",
      attempts: [
        { at: "2026-12-01T10:00:02Z", status: 500, durationMs: 12 },
        { at: "2026-12-01T10:01:02Z", error: `timeout ${SCRIPT}`, durationMs: 10000 },
      ],
    },
  ],
};

describe("the event view", () => {
  it("escapes every payload value and masks personal data by default", async () => {
    const html = await render(EventView({ id: hostileEvent.event!.id, detail: hostileEvent, reveal: false }));
    expectInert(html);
    expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
    expect(html).not.toMatch(/Francisco|529\.982|ana@example/);
    expect(html).toContain(maskOf("name"));
    expect(html).toContain(maskOf("email"));
    expect(html).toContain('data-load="events/acme%3A%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D2%22%3E?reveal=1"');
  });

  it("masks a CPF in the envelope id, the type and a target's error body (issue 19, finding 11)", async () => {
    const cpfEvent: EventDetail = {
      ...hostileEvent,
      event: { ...hostileEvent.event!, id: "acme:52998224725", type: "acme.paid.52998224725", occurrenceof: "acme:52998224725" },
      deliveries: [
        { routeId: "ledger", state: "dead", attempts: [{ at: "2026-12-01T10:00:02Z", status: 422, error: "cpf 529.982.247-25 unknown", durationMs: 3 }] },
      ],
    };
    const html = await render(EventView({ id: "acme:52998224725", detail: cpfEvent, reveal: false }));
    // What is shown: the text. (Links and actions still name the event by its id.)
    const text = html.replace(/<[^>]*>/g, "");
    expect(text).not.toMatch(/52998224725|529\.982\.247-25/);
    expect(html).toContain(`acme:${maskOf("cpf")}`);
    expect(html).toContain(`acme.paid.${maskOf("cpf")}`);
    expect(html).toContain(`HTTP 422 (cpf ${maskOf("cpf")} unknown)`);
    const revealed = await render(EventView({ id: "acme:52998224725", detail: cpfEvent, reveal: true }));
    expect(revealed).toContain("acme:52998224725");
  });

  it("shows the payload in full only when revealed, still escaped", async () => {
    const html = await render(EventView({ id: hostileEvent.event!.id, detail: hostileEvent, reveal: true }));
    expectInert(html);
    expect(html).toContain("Francisco da Silva");
    expect(html).toContain("529.982.247-25");
    expect(html).toContain("Personal data shown in full");
  });

  it("puts requests, attempts and the route's death on one timeline, oldest first", () => {
    expect(timelineOf(hostileEvent).map((e) => (e.kind === "request" ? e.requestId : `${e.kind} ${e.routeId}@${e.at.slice(11, 16)}`))).toEqual([
      "req-1",
      "attempt ledger@10:00",
      "attempt ledger@10:01",
      "dead ledger@10:01",
      "req-2",
    ]);
  });

  it("names an operator's redeliver and replay on the timeline, and a dead letter where a route gave up (issue 23, item 12)", async () => {
    const detail: EventDetail = {
      ...hostileEvent,
      state: "pending",
      deliveries: [
        {
          routeId: "erp",
          state: "pending",
          attempts: [{ at: "2026-12-01T10:00:02Z", status: 500, durationMs: 5, retryAt: "2026-12-01T10:04:02Z" }],
          actions: [{ at: "2026-12-01T10:03:00Z", action: "redelivered" }],
        },
        {
          routeId: "ledger",
          state: "dead",
          attempts: [{ at: "2026-12-01T10:00:02Z", status: 400, durationMs: 5 }],
          actions: [{ at: "2026-12-01T09:59:00Z", action: "replayed" }],
        },
      ],
    };
    const html = await render(EventView({ id: "acme:1", detail, reveal: false, maxAttempts: 8, now: Date.parse("2026-12-01T10:00:05Z") }));
    const text = html.replace(/<[^>]*>/g, "");
    expect(text).toContain("redelivered by an operator to erp");
    expect(text).toContain("replayed by an operator to ledger");
    expect(text).toContain("became a dead letter for ledger");
    expect(text).toContain("retrying 1 of 8, last 500, next in ~4 min");
    // Pending: the view asks to be read again, with this render's nonce (none outside a request).
    expect(html).toContain('data-refresh=""');
    expect(html).toMatch(/<form data-api="POST \/admin\/events\/acme%3A1\/redeliver"[^>]* data-follow=""/);
    const settled = await render(EventView({ id: "acme:1", detail: hostileEvent, reveal: false }));
    expect(settled).not.toContain("data-refresh");
  });

  it("hides a binary payload until revealed", async () => {
    const binary: EventDetail = { ...hostileEvent, event: { ...hostileEvent.event!, data: undefined, data_base64: "AAECAw==" } };
    expect(await render(EventView({ id: "acme:bin", detail: binary, reveal: false }))).toContain("[hidden: 8 characters of base64]");
    expect(await render(EventView({ id: "acme:bin", detail: binary, reveal: true }))).toContain("AAECAw==");
  });
});

describe("the list views", () => {
  const list: EventList = {
    events: [
      {
        id: `acme:${SCRIPT}`,
        source: "acme",
        type: IMG,
        subject: "529.982.247-25",
        time: "2026-12-01T10:00:00Z",
        receivedat: "2026-12-01T10:00:01Z",
        state: "pending",
        routes: { ledger: "pending" },
      },
      {
        id: "bs2-boleto:9",
        source: "bs2-boleto",
        type: "bs2.boleto.paid",
        subject: "00012345",
        time: "2026-12-01T10:00:00Z",
        receivedat: "2026-12-01T09:00:00Z",
        state: "delivered",
        routes: {},
      },
    ],
    cursor: "next-page",
  };

  it("events: escapes ids and types, masks a CPF subject, keeps a boleto number, links the next page", async () => {
    const html = await render(EventsView({ list: list, search: { q: JS_URL }, sources: ["acme", "bs2-boleto"] }));
    expectInert(html);
    expect(html).toContain(`<td data-label="Subject" class="subject">${maskOf("cpf")}</td>`);
    expect(html).toContain(`<td data-label="Subject" class="subject">00012345</td>`);
    expect(html).toContain('href="#events/acme%3A%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E"');
    expect(html).toContain("cursor=next-page");
    expect(html).toContain("2 events, newest first");
  });

  it("dead letters: escapes, masks, offers replay one and replay all with the filter", async () => {
    const html = await render(
      DeadLettersView({
        page: {
          deadLetters: [
            {
              id: "d1",
              kind: "delivery",
              source: "acme",
              routeId: "ledger",
              reason: "rejected",
              createdAt: "2026-12-01T10:00:00Z",
              envelopeId: `acme:${IMG}`,
              subject: "ana@example.com",
              lastStatus: 400,
              attempts: 1,
            },
          ],
        },
        filter: { source: "acme", q: SCRIPT },
        sources: ["acme"],
        routes: ["ledger"],
        reasons: ["rejected"],
      }),
    );
    expectInert(html);
    expect(html).toContain('data-api="POST /admin/dead-letters/d1/replay"');
    expect(html).toContain('data-api="POST /admin/dead-letters/replay"');
    expect(html).toContain('<input type="hidden" name="source" value="acme"/>');
    expect(html).toContain('name="q" type="text" value="&lt;script&gt;');
    expect(html).toContain(maskOf("email"));
    expect(html).toContain('<td data-label="Last status">400</td>');
  });

  it("routes: config routes read-only, added ones editable and deletable; a masked URL is not offered for saving", async () => {
    const html = await render(
      RoutesView({
        routes: [
          {
            id: "ledger",
            origin: "config",
            readOnly: true,
            url: "https://ledger.example/hooks",
            events: ["*"],
            method: "POST",
            auth: { type: "none" },
            timeoutMs: 10000,
          },
          {
            id: "r-1",
            origin: "admin",
            readOnly: false,
            url: "https://x.example/?k=********",
            events: ["a.*"],
            method: "POST",
            auth: { type: "bearer" },
            timeoutMs: 10000,
          },
        ],
      }),
    );
    expect(html).toContain("config (read-only)");
    expect(html).not.toContain("PUT /admin/routes/ledger");
    expect(html).toContain('data-api="PUT /admin/routes/r-1"');
    expect(html).toContain('data-api="DELETE /admin/routes/r-1"');
    expect(html).toContain('data-api="POST /admin/routes"');
    expect(html).not.toMatch(/name="url" value="https:\/\/x\.example/);
    for (const id of ["new-url", "new-event", "r-1-url", "r-1-auth-token"]) expect(html).toContain(`<label for="${id}">`);
  });

  it("sources: auth rule types and pins, an upload form only where mtls is on", async () => {
    const html = await render(
      SourcesView({
        sources: [
          {
            name: "pix",
            provider: "pix",
            auth: [{ type: "bearer" }],
            onInvalid: "quarantine",
            maxBodyBytes: 1048576,
            mtls: { fingerprintsSha256: ["ab".repeat(32)], uploadedFingerprintsSha256: ["cd".repeat(32)] },
          },
          { name: "acme", provider: "generic", auth: [{ type: "hmac" }, { type: "none" }], onInvalid: "reject", maxBodyBytes: 1048576 },
        ],
      }),
    );
    expect(html).toContain("ab".repeat(32));
    expect(html).toContain(`${"cd".repeat(32)}</span> <span class="muted">(uploaded)`);
    expect(html).toContain("hmac, none");
    expect(html.match(/\/certificates"/g)?.length).toBe(1);
  });
});

describe("the overview", () => {
  it("draws one chart per source with a text title per hour and a legend with totals", async () => {
    const hours = hoursEnding(new Date("2026-12-01T10:30:00Z"), 24);
    expect(hours[0]).toBe("2026-11-30T11:00:00.000Z");
    expect(hours[23]).toBe("2026-12-01T10:00:00.000Z");
    const buckets = hours.map(() => ({}) as Record<string, number>);
    buckets[23] = { accepted: 5, unauthorized: 2 };
    const html = await render(
      OverviewView({
        data: {
          hours,
          sources: [{ name: "acme", buckets }],
          routes: [{ routeId: "ledger", delivered: 5, retried: 1, dead: 2, p50Ms: 40, p99Ms: 1500, p50Within: [25, 50], p99Within: [21_600_000, null] }],
          operational: [
            {
              id: "hookgate:1",
              source: "hookgate",
              type: "hookgate.delivery.dead",
              subject: SCRIPT,
              time: "2026-12-01T10:00:00Z",
              receivedat: "2026-12-01T10:00:00Z",
              state: "delivered",
              routes: {},
            },
          ],
        },
      }),
    );
    expectInert(html);
    expect(html).toContain("<title>2026-12-01 10:00:00 UTC: 5 accepted, 2 refused</title>");
    expect(html).toContain("accepted: 5");
    expect(html).toContain("refused: 2");
    expect(html).toContain("7 requests");
    expect(html).toContain("≤ 50 ms / &gt; 21600 s");
    expect(html).toContain("(p50 between 25 ms and 50 ms, p99 over 21600 s)");
    expect(html).toContain("hookgate.delivery.dead");
  });
});

describe("the overview's latency", () => {
  it("shows each percentile as its bucket's bound, never a time interpolated inside it (issue 33: 284 s when the slowest took 130 s)", async () => {
    const route = {
      routeId: "ledger",
      delivered: 3,
      retried: 0,
      dead: 0,
      p50Ms: 40_000,
      p99Ms: 284_000,
      p50Within: [30_000, 60_000],
      p99Within: [120_000, 300_000],
    } as const;
    const html = await render(
      OverviewView({
        data: { hours: [], sources: [], routes: [{ ...route, p50Within: [...route.p50Within], p99Within: [...route.p99Within] }], operational: [] },
      }),
    );
    expect(html).toContain("≤ 60 s / ≤ 300 s");
    expect(html).toContain("(p50 between 30 s and 60 s, p99 between 120 s and 300 s)");
    expect(html).not.toContain("284");
  });
});

describe("the overview's data", () => {
  it("lays hourly metric buckets on the last 24 hours, sums routes, keeps the latest latency", () => {
    const hours = hoursEnding(new Date("2026-12-01T10:30:00Z"), 24);
    const data = overviewOf(
      {
        since: hours[0]!,
        until: "2026-12-01T10:30:00.000Z",
        bucket: "hour",
        buckets: [
          { start: "2026-11-01T09:00:00.000Z", sources: { old: { accepted: 9 } }, routes: {} },
          {
            start: "2026-12-01T09:00:00.000Z",
            sources: { pix: { accepted: 3, unauthorized: 1 } },
            routes: {
              ledger: { delivered: 3, retried: 0, dead: 0, latencyMs: { p50: 50, p99: 100, deliveries: 3, p50Within: [25, 50], p99Within: [75, 100] } },
            },
          },
          {
            start: "2026-12-01T10:00:00.000Z",
            sources: { pix: { accepted: 2 }, acme: { duplicate: 1 } },
            routes: {
              ledger: { delivered: 1, retried: 2, dead: 1, latencyMs: { p50: 238, p99: 998, deliveries: 1, p50Within: [200, 250], p99Within: [750, 1000] } },
            },
          },
        ],
      },
      hours,
      [],
    );
    expect(data.sources.map((s) => s.name)).toEqual(["acme", "pix"]);
    const pix = data.sources[1]!.buckets;
    expect(pix).toHaveLength(24);
    expect(pix[22]).toEqual({ accepted: 3, unauthorized: 1 });
    expect(pix[23]).toEqual({ accepted: 2 });
    expect(pix[0]).toEqual({});
    expect(data.routes).toEqual([
      { routeId: "ledger", delivered: 4, retried: 2, dead: 1, p50Ms: 238, p99Ms: 998, p50Within: [200, 250], p99Within: [750, 1000] },
    ]);
  });
});

describe("an event whose envelope is gone", () => {
  it("still shows its timeline and says why there is no payload", async () => {
    const html = await render(EventView({ id: "acme:big", detail: { ...hostileEvent, event: undefined }, reveal: false }));
    expect(html).toContain('<dd class="mono">acme:big</dd>');
    expect(html).toContain("no longer kept");
    expect(html).toContain('id="timeline"');
  });
});
