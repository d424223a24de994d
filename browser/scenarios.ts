/**
 * The console's scenarios, the same in every browser (see driver.ts): the Worker under
 * `wrangler dev`, seeded through the real ingest URL and the real queue consumers, and one
 * operator's night in the console. The browser given by `launch` runs all of them; with
 * `screenshots`, every view is also photographed at 1366 px and at phone width (390 px).
 */
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC_CERT_PEM, EC_FINGERPRINT } from "../test/certificates/fixtures";
import type { ConsoleDriver } from "./driver";
import { ACME_AUTH, ADMIN_TOKEN, admin, BOLETO_AUTH, GATEWAY, Gateway, OPEN_AUTH, sendNotification, sleep, Target, waitFor } from "./harness";

const BOLETO_SUBJECT = "00012345";
const HOSTILE = {
  script: "<script>window.__pwned=1</script>",
  img: '"><img src=x onerror="window.__pwned=2;alert(2)">',
  url: "javascript:window.__pwned=3;alert(3)",
};
/** Issue 19, finding 1: the link and the payload that added an attacker's route with one click. */
const ATTACK_LINK = "#events/x\\..\\..\\..\\..\\events\\open:xss1";
const ATTACK = {
  form: "<form data-api='POST /admin/routes'><input name=url value=http://127.0.0.1:9/steal><input name=events data-list value=*><button>Continue</button></form>",
  meta: '<meta http-equiv=refresh content="0;url=http://127.0.0.1:9/">',
};
const TITLES: Record<string, string> = { overview: "Overview", events: "Events", "dead-letters": "Dead letters", routes: "Routes", sources: "Sources" };

export function consoleScenarios(browserName: string, launch: () => Promise<ConsoleDriver>, options: { screenshots?: string } = {}): void {
  const gateway = new Gateway();
  const target = new Target();
  let d: ConsoleDriver;

  const text = (selector: string) => d.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  const texts = (selector: string) => d.evaluate((s) => Array.from(document.querySelectorAll(s), (e) => e.textContent ?? ""), selector);
  const count = (selector: string) => d.evaluate((s) => document.querySelectorAll(s).length, selector);
  const present = (selector: string, timeoutMs?: number) => d.waitFor((s) => document.querySelector(s) !== null, selector, timeoutMs);
  const visible = (selector: string) =>
    d.evaluate((s) => {
      const element = document.querySelector<HTMLElement>(s);
      return element !== null && !element.hidden && element.getClientRects().length > 0;
    }, selector);
  const statusSays = (words: string) => d.waitFor((w) => document.getElementById("status")?.textContent?.includes(w) === true, words);
  const shot = async (name: string) => {
    if (options.screenshots) await d.screenshot(`${options.screenshots}/console-${name}.png`);
  };
  /** Opens a view from the navigation and waits until that view (not the one before) is shown. */
  const open = async (view: string) => {
    await d.click(`nav a[data-nav="${view}"]`);
    await d.waitFor((title) => document.querySelector("#view h1")?.textContent === title, TITLES[view]);
  };
  /** Words of a table's cells (ids aside) that do not fit their cell, so the browser broke them. */
  const brokenWords = (table: string) =>
    d.evaluate((selector) => {
      const probe = document.createElement("span");
      probe.style.whiteSpace = "nowrap";
      probe.style.position = "absolute";
      probe.style.visibility = "hidden";
      document.body.append(probe);
      const broken: string[] = [];
      for (const cell of Array.from(document.querySelectorAll<HTMLElement>(`${selector} td:not(.mono), ${selector} th`))) {
        const style = getComputedStyle(cell);
        probe.style.font = style.font;
        const room = cell.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight) + 2;
        for (const word of (cell.textContent ?? "").split(/\s+/).filter(Boolean)) {
          probe.textContent = word;
          if (probe.getBoundingClientRect().width > room) broken.push(word);
        }
      }
      probe.remove();
      return broken;
    }, table);
  const deadLetters = async () => (await admin<{ deadLetters: { kind: string }[] }>("/admin/dead-letters")).deadLetters;

  beforeAll(async () => {
    if (options.screenshots) mkdirSync(options.screenshots, { recursive: true });
    await target.start();
    await gateway.start();

    // A settled boleto with a payer's personal data: delivered to the ledger.
    const boleto = await sendNotification("bs2-boleto", BOLETO_AUTH, {
      Id: "boleto-notification-1",
      NossoNumeroBoleto: BOLETO_SUBJECT,
      SeuNumero: "pedido-991",
      Valor: 150.25,
      Pagador: { Nome: "Francisco da Silva", Documento: "529.982.247-25" },
      EmailPagador: "francisco@example.com.br",
      StatusBoleto: { Status: 3, Descricao: "Liquidado", DataStatus: "2026-12-01T10:02:00-03:00" },
    });
    expect(boleto.status).toBe(202);
    // A hostile notification for a route that refuses it: it becomes a dead letter.
    const hostile = await sendNotification("acme", ACME_AUTH, {
      id: "hostile-1",
      type: `acme.${HOSTILE.img}`,
      note: HOSTILE.script,
      link: HOSTILE.url,
      attr: HOSTILE.img,
    });
    expect(hostile.status).toBe(202);
    const order = await sendNotification("acme", ACME_AUTH, { id: "order-2", type: "acme.order", customer: { email: "ana@example.com" } });
    expect(order.status).toBe(202);
    // A boleto whose business key is markup: it shows up as the subject in lists and timelines.
    const hostileBoleto = await sendNotification("bs2-boleto", BOLETO_AUTH, {
      Id: "boleto-notification-2",
      NossoNumeroBoleto: HOSTILE.script,
      SeuNumero: HOSTILE.url,
      StatusBoleto: { Status: 1, Descricao: HOSTILE.img },
    });
    expect(hostileBoleto.status).toBe(202);
    await waitFor(() => target.received.filter((r) => r.path === "/ledger").length === 2, 60_000, "the boletos to reach the ledger");
    await waitFor(async () => (await deadLetters()).length === 2, 60_000, "the dead letters");
    await waitFor(() => target.received.some((r) => r.path === "/oncall"), 60_000, "on-call to hear of the dead letter");
    d = await launch();
  }, 180_000);

  afterAll(async () => {
    await d?.close();
    await gateway.stop();
    await target.stop();
  });

  describe(`the console in ${browserName}`, () => {
    it("refuses a wrong token and signs in with the right one, keeping it out of storage and the URL", async () => {
      const page = await fetch(`${GATEWAY}/admin/console`);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      await d.goto(`${GATEWAY}/admin/console`);
      await d.fill("#token", "not-the-token");
      await d.click("#sign-in-form button[type=submit]");
      await d.waitFor(() => document.getElementById("sign-in-error")?.textContent !== "", null);
      expect(await text("#sign-in-error")).toContain("refused");
      expect(await visible("#sign-in")).toBe(true);
      await shot("sign-in");

      await d.fill("#token", ADMIN_TOKEN);
      await d.focus("#token");
      await d.press("Enter");
      await present("#view h1");
      expect(await text("#view h1")).toBe("Overview");
      expect(await d.evaluate(() => (document.getElementById("token") as HTMLInputElement).value, null)).toBe("");
      const stored = await d.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }), null);
      expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
      expect(d.url()).not.toContain(ADMIN_TOKEN);
      expect(await d.evaluate(() => document.documentElement.outerHTML, null)).not.toContain(ADMIN_TOKEN);
    });

    it("shows the overview: a chart per source and the routes' totals", async () => {
      await present("figure.chart");
      await shot("overview");
      const captions = await texts("figure.chart figcaption");
      expect(captions.some((c) => c.includes("bs2-boleto") && c.includes("2 requests"))).toBe(true);
      expect(await text("#route-totals")).toContain("ledger");
      // Each percentile as its histogram bucket's bound ("≤ 50 ms"), not a time interpolated inside it.
      const latencies = (await texts("#route-totals td.latency")).filter((cell) => cell !== "");
      expect(latencies.length).toBeGreaterThan(0);
      for (const cell of latencies) expect(cell).toMatch(/^(≤|>) \d+(\.\d+)? (ms|s) \/ (≤|>) \d+(\.\d+)? (ms|s) \(p50 (between|over) /);
      expect(await text("ul.operational")).toContain("hookgate.delivery.dead");
    });

    it("finds an event by subject in the one search field and opens its timeline, payload masked until revealed", async () => {
      await open("events");
      expect(await count("form[data-search] input[type=text]")).toBe(2);
      await d.fill("#ev-q", BOLETO_SUBJECT);
      await d.click("form[data-search] button[type=submit]");
      await d.waitFor(() => location.hash.includes("q="), null);
      // The list the search answered: its form shows the subject it was asked for.
      await d.waitFor(
        (s) => document.querySelector<HTMLInputElement>("#ev-q")?.defaultValue === s && document.querySelector("#events-table caption") !== null,
        BOLETO_SUBJECT,
      );
      expect(await count("#events-table tbody tr")).toBe(1);
      expect(await text("#events-table")).toContain("bs2.boleto.settled");
      expect(await text("#events-table")).toContain("bs2-boleto:boleto-notification-1:3");
      await shot("events");

      await d.click("#events-table tbody tr a");
      await present("#timeline");
      const timeline = await text("#timeline");
      expect(timeline).toContain("request");
      expect(timeline).toContain("accepted");
      expect(timeline).toContain("attempt to ledger: HTTP 200");
      const masked = await text("pre.json");
      expect(masked).toContain("[masked name]");
      expect(masked).toContain("[masked email]");
      expect(masked).not.toContain("Francisco");
      expect(masked).not.toContain("529.982.247-25");
      expect(masked).toContain(BOLETO_SUBJECT);
      await shot("event");

      await d.click("#reveal");
      await d.waitFor(() => document.querySelector("pre.json")?.textContent?.includes("Francisco") === true, null);
      expect(await text("pre.json")).toContain("529.982.247-25");
      expect(await text(".reveal")).toContain("shown in full");
    });

    it("redelivers an event: the timeline follows by itself until the new attempt shows", async () => {
      const before = target.received.filter((r) => r.path === "/ledger").length;
      expect(before).toBe(2);
      await d.click("form[data-api*='/redeliver'] button[type=submit]");
      // Generous: on a loaded machine the local queue can take a while to hand the message over.
      await waitFor(() => target.received.filter((r) => r.path === "/ledger").length > before, 90_000, "the redelivery");
      // No click: the view reads itself again while the delivery is under way.
      await d.waitFor(() => document.querySelectorAll("#timeline li.attempt").length >= 2, null, 90_000);
      expect(await text("#timeline")).toContain("redelivered by an operator to ledger");
      expect(await text(".reveal")).toContain("shown in full");
    });

    it("lists dead letters with reason, last status and attempts; replays one, then every one matching", async () => {
      await open("dead-letters");
      const rows = "#dead-letters-table tbody tr";
      expect(await count(rows)).toBe(2);
      for (const row of await texts(rows)) {
        expect(row).toContain("rejected");
        expect(row).toContain("400");
        expect(row).toContain("erp");
      }
      // Words stay whole at 1366 px ("Replay", "attempts_exhausted"): no cell narrower than its longest word.
      expect(await brokenWords("#dead-letters-table")).toEqual([]);
      await shot("dead-letters");

      // The event's timeline says where its route gave up.
      await d.click(`${rows}:first-child td.mono a`);
      await d.waitFor(() => document.getElementById("timeline")?.textContent?.includes("became a dead letter for erp") === true, null);
      await shot("event-dead");
      await open("dead-letters");

      target.erpAccepts = true;
      await d.click(`${rows}:first-child form[data-api$='/replay'] button`);
      await statusSays("Replay started");
      await waitFor(() => target.received.filter((r) => r.path === "/erp").length === 1, 60_000, "the replayed delivery");
      await waitFor(async () => (await deadLetters()).length === 1, 60_000, "one dead letter to go");

      await d.select("#dl-route", "erp");
      await d.click("form[data-search] button[type=submit]");
      await present("form.bulk input[name=route][value=erp]");
      await d.click("form.bulk button[type=submit]");
      await statusSays("1 dead letter replaying");
      expect(d.dialogs.some((x) => x.type === "confirm" && x.message === "Replay every dead letter matching route = erp?")).toBe(true);
      await waitFor(() => target.received.filter((r) => r.path === "/erp").length === 2, 60_000, "the bulk-replayed delivery");
      await waitFor(async () => (await deadLetters()).length === 0, 60_000, "the dead letters to go");
    });

    it("opens a quarantined request: the adapter's reason, safe headers, the body hidden, and Read again", async () => {
      const broken = await sendNotification("bs2-boleto", BOLETO_AUTH, '{"Pagador":{"Nome":"Francisco da Silva"}', { "x-api-key": "never-shown-key" });
      expect(broken.status).toBe(202);
      await waitFor(async () => (await deadLetters()).some((x) => x.kind === "quarantine"), 30_000, "the quarantined request");
      await d.evaluate(() => {
        location.hash = "#dead-letters?kind=quarantine";
      }, null);
      await d.waitFor(() => document.querySelector("#dead-letters-table tbody tr td:nth-child(2)")?.textContent === "quarantine", null);
      await d.click("#dead-letters-table tbody tr:first-child td:nth-child(5) a");
      await d.waitFor(() => document.querySelector("#view h1")?.textContent === "Quarantined request", null);
      const facts = await text("dl.facts");
      expect(facts).toContain("invalid_payload");
      expect(await text("#kept-headers")).toContain("content-type");
      const page = await text("#view");
      expect(page).not.toContain("never-shown-key");
      expect(page).not.toContain("Francisco");
      await shot("quarantined");
      // Read again: the body is still broken, and the form says so.
      await d.click("form[data-api$='/replay'] button[type=submit]");
      await statusSays("the adapter still cannot read it: The body is not valid JSON.");
      expect(await text("form[data-api$='/replay'] [data-error]")).toContain("still cannot read it");
      // On-call heard of it (the events list below counts this operational event).
      const heard = async () => (await admin<{ events: unknown[] }>("/admin/events?type=hookgate.request.quarantined")).events.length > 0;
      await waitFor(heard, 30_000, "the operational event of the quarantine");
    });

    it("shows every payload value as text: nothing runs, the layout holds", async () => {
      await open("events");
      await present("#events-table tbody tr");
      // Two boletos, two acme notifications, and two operational events: the dead letters (one
      // per route per 10 minutes) and the quarantined request.
      const cells = await d.evaluate(() => Array.from(document.querySelectorAll("#events-table tbody tr"), (row) => row.querySelectorAll("td").length), null);
      expect(cells).toEqual([7, 7, 7, 7, 7, 7]);
      expect(await text("#events-table")).toContain(`acme.${HOSTILE.img}`);
      expect(await texts("#events-table td.subject")).toContain(HOSTILE.script);
      const row = await d.evaluate(
        () => Array.from(document.querySelectorAll("#events-table tbody tr")).findIndex((r) => r.textContent?.includes('acme."')),
        null,
      );
      await d.click(`#events-table tbody tr:nth-child(${row + 1}) a`);
      await present("pre.json");
      const payload = await text("pre.json");
      expect(payload).toContain(HOSTILE.script.replaceAll('"', '\\"'));
      expect(payload).toContain(HOSTILE.url);
      await d.click("#reveal");
      await present(".reveal strong");
      await sleep(500);
      expect(await d.evaluate(() => (window as unknown as { __pwned?: number }).__pwned, null)).toBeUndefined();
      expect(await count("#view img, #view script, #view [onerror]")).toBe(0);
      expect(await count("#view a[href^='javascript:']")).toBe(0);
      expect(d.dialogs.filter((x) => x.type === "alert")).toHaveLength(0);
      await shot("escaping");
    });

    it("tries a transform on a past event: the result shows, a payload's markup as text, and an error as the dead letter would say it", async () => {
      await open("routes");
      const tryForm = "form[data-api='POST /admin/routes/test-transform']";
      const run = async (expression: string) => {
        await d.evaluate((s) => {
          const output = document.querySelector(s);
          if (output) output.textContent = "";
        }, `${tryForm} [data-output]`);
        await d.fill("#try-transform-expression", expression);
        await d.fill("#try-transform-event", "bs2-boleto:boleto-notification-2:1");
        await d.click(`${tryForm} button[type=submit]`);
        await d.waitFor((s) => (document.querySelector(s)?.textContent ?? "") !== "", `${tryForm} [data-output]`);
        return (await text(`${tryForm} [data-output]`)) ?? "";
      };
      // The boleto whose number, order and description are markup: the result shows them as text.
      const shown = await run(
        '{"boleto": data.NossoNumeroBoleto, "order": data.SeuNumero, "status": data.StatusBoleto.Status, "note": data.StatusBoleto.Descricao}',
      );
      expect(JSON.parse(shown)).toEqual({ boleto: HOSTILE.script, order: HOSTILE.url, status: 1, note: HOSTILE.img });
      await sleep(500);
      expect(await d.evaluate(() => (window as unknown as { __pwned?: number }).__pwned, null)).toBeUndefined();
      expect(await count(`${tryForm} [data-output] *`)).toBe(0);
      expect(await count("#view img, #view script, #view [onerror]")).toBe(0);
      expect(d.dialogs.filter((x) => x.type === "alert")).toHaveLength(0);
      // Nothing matched: the message a transform_failed dead letter would carry, not an empty body.
      expect(await run("data.Missing")).toBe("error: the transform's result is empty (nothing matched)");
      // Leave the view as the scenario found it: the next one opens the routes afresh.
      await open("events");
    });

    it("adds a route (showing the API's own validation message first) and deletes it", async () => {
      await open("routes");
      await d.fill("#new-url", "ftp://example.com/hooks");
      await d.fill("#new-event", "acme.*");
      await d.click("form[data-api='POST /admin/routes'] button[type=submit]");
      await d.waitFor(() => (document.querySelector("form[data-api='POST /admin/routes'] [data-error]")?.textContent ?? "") !== "", null);
      expect(await text("form[data-api='POST /admin/routes'] [data-error]")).toContain("url:");

      await d.fill("#new-url", "https://audit.example/hooks");
      await d.select("#new-auth-type", "bearer");
      await d.fill("#new-auth-token", "audit-token");
      await d.click("form[data-api='POST /admin/routes'] button[type=submit]");
      await d.waitFor(() => document.getElementById("routes-table")?.textContent?.includes("audit.example") === true, null);
      expect(await text("#routes-table")).not.toContain("audit-token");
      await shot("routes");

      const added = (await admin<{ routes: { id: string; url: string }[] }>("/admin/routes")).routes.find((r) => r.url.includes("audit.example"))!;
      await d.click(`#routes-table tr[data-route="${added.id}"] button.danger`);
      await d.waitFor(() => document.getElementById("routes-table")?.textContent?.includes("audit.example") === false, null);
      expect(d.dialogs.some((x) => x.type === "confirm" && x.message.startsWith("Delete route r-"))).toBe(true);
      const routes = await admin<{ routes: { id: string }[] }>("/admin/routes");
      expect(routes.routes.map((r) => r.id)).toEqual(["ledger", "erp", "oncall"]);
    });

    it("shows sources with rule types and pins a certificate", async () => {
      await open("sources");
      expect(await text("article[data-source=pix]")).toContain("bearer");
      expect(await text("article[data-source=acme]")).toContain("basic");
      await d.fill("article[data-source=pix] textarea", EC_CERT_PEM);
      await d.click("article[data-source=pix] button[type=submit]");
      await d.waitFor((f) => document.querySelector("article[data-source=pix] .pins")?.textContent?.includes(f) === true, EC_FINGERPRINT);
      await shot("sources");
    });

    it("moves focus visibly with the keyboard", async () => {
      await d.focus("nav a[data-nav=overview]");
      await d.press("Tab");
      const outline = await d.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        return { tag: element.tagName, style: getComputedStyle(element).outlineStyle };
      }, null);
      expect(outline).toEqual({ tag: "A", style: "solid" });
    });

    it("does not follow a crafted link: no payload markup, no meta refresh, no navigation, no route added (issue 19, finding 1)", async () => {
      const sent = await sendNotification("open", OPEN_AUTH, { id: "xss1", type: "open.note", ...ATTACK });
      expect(sent.ids).toEqual(["open:xss1"]);
      await waitFor(
        async () => (await fetch(`${GATEWAY}/admin/events/open:xss1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).ok,
        30_000,
        "the event log",
      );
      const routesBefore = (await admin<{ routes: { id: string }[] }>("/admin/routes")).routes.map((r) => r.id);
      await open("routes");

      for (const hash of [
        ATTACK_LINK,
        "#events/%2e%2e/%2e%2e/events/open:xss1",
        "#events/x%5c..%5c..%5cevents%5copen:xss1",
        "#events/.%2E/.%2E/events/open:xss1",
      ]) {
        await d.evaluate((h) => {
          location.hash = h;
        }, hash);
        await sleep(2_000);
        expect(d.url().startsWith(`${GATEWAY}/admin/console`), hash).toBe(true);
        expect(await count("meta[http-equiv]"), hash).toBe(0);
        expect(await texts("#view button"), hash).not.toContain("Continue");
        expect(await count("#view form[data-api]"), hash).toBe(0);
        // The hash is refused: the overview is shown instead.
        await d.waitFor(() => document.querySelector("#view h1")?.textContent === "Overview", null);
      }

      // The event itself: the payload's markup is text, and nothing acts on it.
      await d.evaluate(() => {
        location.hash = "#events/open%3Axss1?reveal=1";
      }, null);
      await d.waitFor(() => document.querySelector("pre.json")?.textContent?.includes("data-api='POST /admin/routes'") === true, null);
      await sleep(1_500);
      expect(await count("meta[http-equiv]")).toBe(0);
      expect(await count("#view form[data-api='POST /admin/routes']")).toBe(0);
      expect(d.url().startsWith(`${GATEWAY}/admin/console`)).toBe(true);
      expect((await admin<{ routes: { id: string }[] }>("/admin/routes")).routes.map((r) => r.id)).toEqual(routesBefore);
    });

    if (options.screenshots) {
      it("is photographed at phone width (390 px), every view", async () => {
        await d.viewport(390, 844);
        for (const view of ["overview", "events", "dead-letters", "routes", "sources"]) {
          await open(view);
          await shot(`phone-${view}`);
        }
        await d.evaluate(() => {
          location.hash = "#events?q=00012345";
        }, null);
        await present("#events-table tbody tr a");
        await d.click("#events-table tbody tr a");
        await present("#timeline");
        await shot("phone-event");
        await d.viewport(1366, 800);
      });
    }

    it("forgets the token on sign-out", async () => {
      await d.click("#sign-out");
      expect(await visible("#sign-in")).toBe(true);
      expect(await count("#view *")).toBe(0);
      await d.evaluate(() => {
        location.hash = "routes";
      }, null);
      await sleep(300);
      expect(await count("#view *")).toBe(0);
    });
  });
}
