/**
 * The console in a real Firefox (Debian's /usr/bin/firefox-esr, driven by puppeteer-core over
 * WebDriver BiDi): the same scenarios as in Chromium (scenarios.ts), without screenshots.
 */
import { launchFirefox } from "./driver";
import { consoleScenarios } from "./scenarios";

const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";

consoleScenarios("Firefox", () => launchFirefox(FIREFOX));
