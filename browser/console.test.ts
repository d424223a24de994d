/**
 * The console in a real Chromium (Debian's /usr/bin/chromium, driven by playwright-core): the
 * shared scenarios (scenarios.ts), photographed into docs/images/ at 1366 px and at phone width.
 */
import { launchChromium } from "./driver";
import { consoleScenarios } from "./scenarios";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The committed screenshots are refreshed by `npm run test:browser`; CI writes its own elsewhere. */
const SHOTS = process.env.SCREENSHOT_DIR ?? "docs/images";

consoleScenarios("Chromium", () => launchChromium(CHROMIUM), { screenshots: SHOTS });
