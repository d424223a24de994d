import type { JSX } from "hono/jsx/jsx-runtime";
import { describe, expect, it } from "vitest";
import { maskOf } from "../../src/console/personal-data";
import type { DeadLetterRecord, EventList } from "../../src/console/shapes";
import { DeadLetterView, safeHeaders } from "../../src/console/views/dead-letter";
import { EventsView } from "../../src/console/views/events";
import { progressText } from "../../src/console/views/parts";

const render = async (node: JSX.Element) => String(await node.toString());
const textOf = (html: string) => html.replace(/<[^>]*>/g, "");

const quarantined: DeadLetterRecord = {
  id: "qabc",
  kind: "quarantine",
  source: "pix",
  reason: "invalid_payload",
  createdAt: "2026-12-01T10:00:00Z",
  state: "dead",
  attempts: [],
  lastError: "The URL ends in /pix but the body carries recs. (payer 529.982.247-25)",
  request: {
    method: "POST",
    rest: "/pix",
    query: "",
    headers: {
      "content-type": "application/json",
      "user-agent": "psp/1.0",
      "x-api-key": "k-123",
      "x-signature": "sig-456",
      cookie: "session=abc",
      "x-psp-secret-thing": "s-789",
    },
    bodyBase64: btoa(JSON.stringify({ recs: [{ devedor: { nome: "Ana Lima", cpf: "52998224725" }, infoPagador: "aluguel de maio", valor: "10.00" }] })),
  },
};

describe("a quarantined request's page (issue 23, item 7)", () => {
  it("shows the adapter's reason, the safe headers only, the body masked, and Read again", async () => {
    const html = await render(DeadLetterView({ record: quarantined, reveal: false }));
    const text = textOf(html);
    expect(text).toContain("Quarantined request");
    expect(text).toContain(`invalid_payload: The URL ends in /pix but the body carries recs. (payer ${maskOf("cpf")})`);
    expect(text).toContain("content-type");
    expect(text).toContain("psp/1.0");
    expect(text).toContain("4 other headers not shown");
    expect(html).not.toMatch(/k-123|sig-456|session=abc|s-789|x-api-key|cookie/);
    expect(text).not.toMatch(/Ana Lima|52998224725|aluguel/);
    expect(text).toContain(maskOf("name"));
    expect(text).toContain(maskOf("free text"));
    expect(text).toContain("10.00");
    expect(html).toContain('data-api="POST /admin/dead-letters/qabc/replay"');
    expect(text).toContain("Read again");
    expect(html).toContain('data-load="dead-letters/qabc?reveal=1"');
  });

  it("reveals the body on request, still escaped", async () => {
    const hostile = { ...quarantined, request: { ...quarantined.request!, bodyBase64: btoa("<script>x()</script> Ana Lima") } };
    const html = await render(DeadLetterView({ record: hostile, reveal: true }));
    expect(html).toContain("&lt;script&gt;x()&lt;/script&gt; Ana Lima");
    expect(html).not.toContain("<script>");
  });

  it("keeps headers by a whitelist, whatever a credential header is called", () => {
    expect(safeHeaders({ "Content-Type": "text/plain", Authorization: "Bearer x", "x-hub-signature-256": "y", "webhook-id": "msg_1" })).toEqual({
      shown: [
        ["Content-Type", "text/plain"],
        ["webhook-id", "msg_1"],
      ],
      hidden: 2,
    });
  });
});

describe("retry progress in words (issue 23, item 8)", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  it("says retrying n of max, the last status and when next", () => {
    expect(progressText({ state: "pending", attempts: 2, lastStatus: 500, nextAttemptAt: "2026-12-01T10:04:00Z" }, 8, now)).toBe(
      "retrying 2 of 8, last 500, next in ~4 min",
    );
    expect(progressText({ state: "pending", attempts: 1, nextAttemptAt: "2026-12-01T12:00:00Z" }, 8, now)).toBe(
      "retrying 1 of 8, last no answer, next in ~2 h",
    );
    expect(progressText({ state: "pending", attempts: 3, lastStatus: 503, nextAttemptAt: "2026-12-01T09:59:00Z" }, 8, now)).toBe(
      "retrying 3 of 8, last 503, next due now",
    );
    expect(progressText({ state: "pending", attempts: 0 }, 8, now)).toBe("queued");
    expect(progressText({ state: "delivered", attempts: 1, lastStatus: 200 }, 8, now)).toBe("");
    expect(progressText({ state: "delivered", attempts: 3, lastStatus: 200 }, 8, now)).toBe("after 3 attempts");
    expect(progressText({ state: "dead", attempts: 8, lastStatus: 500 }, 8, now)).toBe("after 8 attempts, last 500");
  });

  it("lists the envelope id (masked) and each route's progress; one search field", async () => {
    const list: EventList = {
      events: [
        {
          id: "acme:52998224725",
          source: "acme",
          type: "acme.paid",
          time: "2026-12-01T09:59:00Z",
          receivedat: "2026-12-01T09:59:01Z",
          state: "pending",
          routes: { erp: "pending" },
          deliveries: { erp: { state: "pending", attempts: 2, lastStatus: 500, nextAttemptAt: "2026-12-01T10:04:00Z" } },
        },
      ],
    };
    const html = await render(EventsView({ list, search: {}, sources: ["acme"], maxAttempts: 8, now }));
    const text = textOf(html);
    expect(text).toContain(`acme:${maskOf("cpf")}`);
    expect(text).toContain("retrying 2 of 8, last 500, next in ~4 min");
    expect(text).toContain("1 event, newest first");
    expect(html.match(/<input [^>]*type="text"/g)?.length).toBe(2);
    expect(html).toContain('name="q"');
    expect(html).not.toContain('name="subject"');
  });
});
