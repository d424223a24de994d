/**
 * The few things the console's scenarios do with a browser, over two engines: Debian's Chromium
 * driven by playwright-core (Chrome DevTools Protocol) and Debian's Firefox ESR driven by
 * puppeteer-core over WebDriver BiDi (Playwright cannot drive a stock Firefox). Selectors are
 * plain CSS; anything subtler is read in the page with `evaluate`.
 */

import { chromium, type Page as PlaywrightPage } from "playwright-core";
import puppeteer, { type Page as PuppeteerPage } from "puppeteer-core";

export interface SeenDialog {
  type: string;
  message: string;
}

export interface ConsoleDriver {
  readonly engine: "chromium" | "firefox";
  /** Dialogs the page opened: confirms are accepted, alerts dismissed. */
  readonly dialogs: SeenDialog[];
  goto(url: string): Promise<void>;
  url(): string;
  click(selector: string): Promise<void>;
  /** Sets an input's value as typing would (an `input` event follows). */
  fill(selector: string, value: string): Promise<void>;
  select(selector: string, value: string): Promise<void>;
  press(key: "Enter" | "Tab"): Promise<void>;
  focus(selector: string): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
  waitFor<A>(fn: (arg: A) => unknown, arg: A, timeoutMs?: number): Promise<void>;
  viewport(width: number, height: number): Promise<void>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

const WAIT_MS = 30_000;

export async function launchChromium(executablePath: string): Promise<ConsoleDriver> {
  const browser = await chromium.launch({
    executablePath,
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
  const page: PlaywrightPage = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  const dialogs: SeenDialog[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push({ type: dialog.type(), message: dialog.message() });
    void (dialog.type() === "confirm" ? dialog.accept() : dialog.dismiss());
  });
  return {
    engine: "chromium",
    dialogs,
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    click: (selector) => page.click(selector, { timeout: WAIT_MS }),
    fill: (selector, value) => page.fill(selector, value, { timeout: WAIT_MS }),
    select: async (selector, value) => void (await page.selectOption(selector, value, { timeout: WAIT_MS })),
    press: (key) => page.keyboard.press(key),
    focus: (selector) => page.focus(selector),
    // Playwright's types unbox handles; the scenarios pass plain values only.
    evaluate: (fn, arg) => page.evaluate(fn as never, arg),
    waitFor: async (fn, arg, timeoutMs = WAIT_MS) => void (await page.waitForFunction(fn as never, arg, { timeout: timeoutMs })),
    viewport: (width, height) => page.setViewportSize({ width, height }),
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
    close: () => browser.close(),
  };
}

export async function launchFirefox(executablePath: string): Promise<ConsoleDriver> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath,
    headless: true,
    defaultViewport: { width: 1366, height: 800 },
    // No update checks, telemetry or first-run pages: the machine has no way out anyway.
    extraPrefsFirefox: { "app.update.enabled": false, "datareporting.policy.dataSubmissionEnabled": false, "browser.shell.checkDefaultBrowser": false },
  });
  const page: PuppeteerPage = await browser.newPage();
  const dialogs: SeenDialog[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push({ type: dialog.type(), message: dialog.message() });
    void (dialog.type() === "confirm" ? dialog.accept() : dialog.dismiss());
  });
  const visible = (selector: string) => page.waitForSelector(selector, { visible: true, timeout: WAIT_MS });
  return {
    engine: "firefox",
    dialogs,
    goto: async (url) => void (await page.goto(url)),
    url: () => page.url(),
    click: async (selector) => {
      await visible(selector);
      await page.click(selector);
    },
    fill: async (selector, value) => {
      await visible(selector);
      await page.$eval(
        selector,
        (element, text) => {
          (element as HTMLInputElement).value = text;
          element.dispatchEvent(new Event("input", { bubbles: true }));
        },
        value,
      );
    },
    select: async (selector, value) => {
      await visible(selector);
      await page.select(selector, value);
    },
    press: (key) => page.keyboard.press(key),
    focus: (selector) => page.focus(selector),
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    waitFor: async (fn, arg, timeoutMs = WAIT_MS) => void (await page.waitForFunction(fn as never, { timeout: timeoutMs }, arg)),
    viewport: (width, height) => page.setViewport({ width, height }),
    screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png`, fullPage: true })),
    close: () => browser.close(),
  };
}
