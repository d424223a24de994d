import { defineConfig } from "vitest/config";

// The browser suite runs in Node: it starts `wrangler dev` and drives Chromium. `npm test`
// (vitest.config.ts, inside workerd) does not include it and needs no browser.
export default defineConfig({
  test: {
    include: ["browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 240_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
