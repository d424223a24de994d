/**
 * The console in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
 * against the Worker under `wrangler dev`, seeded through the real ingest URL and the real
 * queue consumers. Screenshots go to docs/images/.
 */
import { mkdirSync } from "node:fs";
import { type Browser, chromium, type Dialog, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EC_CERT_PEM, EC_FINGERPRINT } from "../test/certificates/fixtures";
import { ACME_AUTH, ADMIN_TOKEN, admin, BOLETO_AUTH, GATEWAY, Gateway, sendNotification, Target, waitFor } from "./harness";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The committed screenshots are refreshed by `npm run test:browser`; CI writes its own elsewhere. */
const SHOTS = process.env.SCREENSHOT_DIR ?? "docs/images";

const gateway = new Gateway();
const target = new Target();
let browser: Browser;
let page: Page;
const dialogs: Dialog[] = [];

const BOLETO_SUBJECT = "00012345";
const HOSTILE = {
  script: "<script>window.__pwned=1</script>",
  img: '"><img src=x onerror="window.__pwned=2;alert(2)">',
  url: "javascript:window.__pwned=3;alert(3)",
};

async function shot(name: string) {
  await page.screenshot({ path: `${SHOTS}/console-${name}.png`, fullPage: true });
}

const TITLES: Record<string, string> = { overview: "Overview", events: "Events", "dead-letters": "Dead letters", routes: "Routes", sources: "Sources" };

/** Opens a view from the navigation and waits until that view (not the one before) is shown. */
async function open(view: string) {
  await page.click(`nav a[data-nav="${view}"]`);
  await page.waitForFunction((title) => document.querySelector("#view h1")?.textContent === title, TITLES[view]);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
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
  await waitFor(async () => (await admin<{ deadLetters: unknown[] }>("/admin/dead-letters")).deadLetters.length === 2, 60_000, "the dead letters");
  await waitFor(() => target.received.some((r) => r.path === "/oncall"), 60_000, "on-call to hear of the dead letter");

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog);
    void (dialog.type() === "confirm" ? dialog.accept() : dialog.dismiss());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gateway.stop();
  await target.stop();
});

describe("the console in Chromium", () => {
  it("refuses a wrong token and signs in with the right one, keeping it out of storage and the URL", async () => {
    const response = await page.goto(`${GATEWAY}/admin/console`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.fill("#token", "not-the-token");
    await page.click("#sign-in-form button[type=submit]");
    await page.waitForFunction(() => document.getElementById("sign-in-error")?.textContent !== "");
    expect(await page.textContent("#sign-in-error")).toContain("refused");
    expect(await page.isVisible("#sign-in")).toBe(true);
    await shot("sign-in");

    await page.fill("#token", ADMIN_TOKEN);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#view h1");
    expect(await page.textContent("#view h1")).toBe("Overview");
    expect(await page.inputValue("#token")).toBe("");
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
    expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    expect(await page.content()).not.toContain(ADMIN_TOKEN);
  });

  it("shows the overview: a chart per source and the routes' totals", async () => {
    await page.waitForSelector("figure.chart");
    await shot("overview");
    const captions = await page.locator("figure.chart figcaption").allTextContents();
    expect(captions.some((c) => c.includes("bs2-boleto"))).toBe(true);
    expect(await page.locator("#route-totals").textContent()).toContain("ledger");
    expect(await page.locator("ul.operational").textContent()).toContain("hookgate.delivery.dead");
  });

  it("finds an event by subject and opens its timeline, payload masked until revealed", async () => {
    await open("events");
    await page.fill("#ev-subject", BOLETO_SUBJECT);
    await page.click("form[data-search] button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("subject="));
    // The list the search answered: its form shows the subject it was asked for.
    await page.waitForSelector(`#events-table caption`);
    await page.waitForFunction((s) => document.querySelector<HTMLInputElement>("#ev-subject")?.defaultValue === s, BOLETO_SUBJECT);
    expect(await page.locator("#events-table tbody tr").count()).toBe(1);
    expect(await page.textContent("#events-table")).toContain("bs2.boleto.settled");
    await shot("events");

    await page.click("#events-table tbody tr a");
    await page.waitForSelector("#timeline");
    const timeline = await page.textContent("#timeline");
    expect(timeline).toContain("request");
    expect(timeline).toContain("accepted");
    expect(timeline).toContain("attempt to ledger: HTTP 200");
    const masked = await page.textContent("pre.json");
    expect(masked).toContain("[masked name]");
    expect(masked).toContain("[masked email]");
    expect(masked).not.toContain("Francisco");
    expect(masked).not.toContain("529.982.247-25");
    expect(masked).toContain(BOLETO_SUBJECT);
    await shot("event");

    await page.click("#reveal");
    await page.waitForFunction(() => document.querySelector("pre.json")?.textContent?.includes("Francisco"));
    expect(await page.textContent("pre.json")).toContain("529.982.247-25");
    expect(await page.textContent(".reveal")).toContain("shown in full");
  });

  it("redelivers an event: the new attempt joins its timeline", async () => {
    const before = target.received.filter((r) => r.path === "/ledger").length;
    expect(before).toBe(2);
    await page.click("form[data-api*='/redeliver'] button[type=submit]");
    // Generous: on a loaded machine the local queue can take a while to hand the message over.
    await waitFor(() => target.received.filter((r) => r.path === "/ledger").length > before, 90_000, "the redelivery");
    // The fragment is read again (the reveal/mask toggle) until the new attempt shows.
    await waitFor(
      async () => {
        await page.click(".reveal button");
        await page.waitForSelector("#timeline");
        return (await page.locator("#timeline li.attempt").count()) >= 2;
      },
      60_000,
      "the second attempt on the timeline",
    );
  });

  it("lists dead letters with reason, last status and attempts; replays one, then every one matching", async () => {
    await open("dead-letters");
    const rows = page.locator("#dead-letters-table tbody tr");
    expect(await rows.count()).toBe(2);
    for (const row of await rows.allTextContents()) {
      expect(row).toContain("rejected");
      expect(row).toContain("400");
      expect(row).toContain("erp");
    }
    await shot("dead-letters");

    target.erpAccepts = true;
    await rows.first().locator("form[data-api$='/replay'] button").click();
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("Replay started"));
    await waitFor(() => target.received.filter((r) => r.path === "/erp").length === 1, 60_000, "the replayed delivery");
    await waitFor(async () => (await admin<{ deadLetters: unknown[] }>("/admin/dead-letters")).deadLetters.length === 1, 60_000, "one dead letter to go");

    await page.selectOption("#dl-route", "erp");
    await page.click("form[data-search] button[type=submit]");
    await page.waitForSelector("form.bulk input[name=route][value=erp]", { state: "attached" });
    await page.click("form.bulk button[type=submit]");
    await page.waitForFunction(() => document.getElementById("status")?.textContent?.includes("1 dead letter(s) replaying"));
    expect(dialogs.some((d) => d.type() === "confirm" && d.message() === "Replay every dead letter matching route = erp?")).toBe(true);
    await waitFor(() => target.received.filter((r) => r.path === "/erp").length === 2, 60_000, "the bulk-replayed delivery");
    await waitFor(async () => (await admin<{ deadLetters: unknown[] }>("/admin/dead-letters")).deadLetters.length === 0, 60_000, "the dead letters to go");
  });

  it("shows every payload value as text: nothing runs, the layout holds", async () => {
    await open("events");
    await page.waitForSelector("#events-table tbody tr");
    // Two boletos, two acme notifications, and one operational event about the dead letters
    // (one per route per 10 minutes).
    const rows = page.locator("#events-table tbody tr");
    expect(await rows.count()).toBe(5);
    for (let i = 0; i < 5; i++) expect(await rows.nth(i).locator("td").count()).toBe(6);
    expect(await page.textContent("#events-table")).toContain(`acme.${HOSTILE.img}`);
    expect(await page.locator("#events-table td.subject").allTextContents()).toContain(HOSTILE.script);
    await page.click("#events-table tbody tr:has-text('acme.\"') a");
    await page.waitForSelector("pre.json");
    const payload = await page.textContent("pre.json");
    expect(payload).toContain(HOSTILE.script.replaceAll('"', '\\"'));
    expect(payload).toContain(HOSTILE.url);
    await page.click("#reveal");
    await page.waitForSelector(".reveal strong");
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("#view img, #view script, #view [onerror]").count()).toBe(0);
    expect(await page.locator("#view a[href^='javascript:']").count()).toBe(0);
    expect(dialogs.filter((d) => d.type() === "alert")).toHaveLength(0);
    await shot("escaping");
  });

  it("adds a route (showing the API's own validation message first) and deletes it", async () => {
    await open("routes");
    await page.fill("#new-url", "ftp://example.com/hooks");
    await page.fill("#new-event", "acme.*");
    await page.click("form[data-api='POST /admin/routes'] button[type=submit]");
    const error = page.locator("form[data-api='POST /admin/routes'] [data-error]");
    await error.waitFor({ state: "visible" });
    expect(await error.textContent()).toContain("url:");

    await page.fill("#new-url", "https://audit.example/hooks");
    await page.selectOption("#new-auth-type", "bearer");
    await page.fill("#new-auth-token", "audit-token");
    await page.click("form[data-api='POST /admin/routes'] button[type=submit]");
    await page.waitForSelector("#routes-table tr:has-text('audit.example')");
    expect(await page.textContent("#routes-table")).not.toContain("audit-token");
    await shot("routes");

    const added = page.locator("#routes-table tr:has-text('audit.example')");
    await added.locator("button.danger").click();
    await page.waitForFunction(() => !document.getElementById("routes-table")?.textContent?.includes("audit.example"));
    expect(dialogs.some((d) => d.type() === "confirm" && d.message().startsWith("Delete route r-"))).toBe(true);
    const routes = await admin<{ routes: { id: string }[] }>("/admin/routes");
    expect(routes.routes.map((r) => r.id)).toEqual(["ledger", "erp", "oncall"]);
  });

  it("shows sources with rule types and pins a certificate", async () => {
    await open("sources");
    const pix = page.locator("article[data-source=pix]");
    expect(await pix.textContent()).toContain("bearer");
    expect(await page.locator("article[data-source=acme]").textContent()).toContain("basic");
    await pix.locator("textarea").fill(EC_CERT_PEM);
    await pix.locator("button[type=submit]").click();
    await page.waitForSelector(`article[data-source=pix] .pins li:has-text("${EC_FINGERPRINT}")`);
    await shot("sources");
  });

  it("moves focus visibly with the keyboard", async () => {
    await page.focus("nav a[data-nav=overview]");
    await page.keyboard.press("Tab");
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { tag: el.tagName, style: getComputedStyle(el).outlineStyle };
    });
    expect(outline).toEqual({ tag: "A", style: "solid" });
  });

  it("forgets the token on sign-out", async () => {
    await page.click("#sign-out");
    expect(await page.isVisible("#sign-in")).toBe(true);
    expect(await page.locator("#view *").count()).toBe(0);
    await page.evaluate(() => {
      location.hash = "routes";
    });
    await page.waitForTimeout(300);
    expect(await page.locator("#view *").count()).toBe(0);
  });
});
