import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests declare the bindings themselves rather than reading wrangler.toml: the queue has a
// producer but no background consumer, so each test drives the consumer with real batches
// (`worker.queue(createMessageBatch(...))`) and nothing is delivered behind its back.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: "./src/index.ts",
      miniflare: {
        compatibilityDate: "2026-04-01",
        compatibilityFlags: ["nodejs_compat_v2"],
        kvNamespaces: ["DEDUP", "STATE"],
        queueProducers: { DELIVERIES: { queueName: "hookgate-deliveries" } },
        // The demo config is the default; tests that need another pass their own env.
        bindings: { DEAD_LETTER_QUEUE: "hookgate-dead-letters", GATEWAY_CONFIG: readFileSync("demo/config.json", "utf8") },
        cf: false,
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // Node's own tests (scripts, the JSON Schema as an editor reads it): vitest.node.config.ts.
    exclude: ["test/node/**"],
    // The example receiver (examples/receiver), started for test/interop.
    globalSetup: ["test/node/receivers.global-setup.ts"],
  },
});
