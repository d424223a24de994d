import { readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import type {} from "./test/node/test-ports";

// Tests declare the bindings themselves rather than reading wrangler.toml: the queue has a
// producer but no background consumer, so each test drives the consumer with real batches
// (`worker.queue(createMessageBatch(...))`) and nothing is delivered behind its back.
// The event log's migrations are read here and applied by test/setup/migrations.ts.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      // A function: the pool calls it once the global setups have started the Node services on
      // their ephemeral ports, and `inject` reads the ports they `provide`d.
      cloudflareTest(({ inject }) => ({
        main: "./src/index.ts",
        miniflare: {
          compatibilityDate: "2026-04-01",
          compatibilityFlags: ["nodejs_compat_v2"],
          kvNamespaces: ["DEDUP", "STATE"],
          d1Databases: ["EVENTS"],
          // DELIVERY_RETRIES (wrangler.toml's hookgate-retries) is left unbound here: delivery then sends
          // its retries and releases to DELIVERIES, the one queue each test wraps and drives; a test
          // about the two queues binds both itself (test/delivery/governed/ingest-starved.test.ts).
          queueProducers: {
            DELIVERIES: { queueName: "hookgate-deliveries" },
            RECONCILE: { queueName: "hookgate-reconcile" },
            // A second delivery queue under a name the gateway does not read, so every other test
            // keeps one queue; test/delivery/queues.test.ts binds it as DELIVERIES_1 itself.
            TEST_DELIVERIES_1: { queueName: "hookgate-deliveries-1" },
          },
          // The second delivery queue has a consumer of its own, as in production (wrangler.toml,
          // docs/deploy.md "Sizing"): the Worker's queue handler takes its batches in the
          // background. Batch size, timeout and retries explicit, not Miniflare's defaults.
          queueConsumers: { "hookgate-deliveries-1": { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 5 } },
          durableObjects: {
            LEDGER: { className: "Ledger", useSQLite: true },
            STRICT_DEDUP: { className: "StrictDedup", useSQLite: true },
            ROUTE_GOVERNOR: { className: "RouteGovernor", useSQLite: true },
          },
          // The demo config is the default; tests that need another pass their own env.
          // LOCAL_DEV: the tests are local development, so their http://127.0.0.1 targets are allowed.
          bindings: {
            LOCAL_DEV: "1",
            DEAD_LETTER_QUEUE: "hookgate-dead-letters",
            GATEWAY_CONFIG: readFileSync("demo/config.json", "utf8"),
            TEST_MIGRATIONS: migrations,
            // The Node services' ports (test/node/receivers.global-setup.ts, prometheus-parser.global-setup.ts).
            TEST_RECEIVER_PORT: String(inject("testPorts").receiver),
            TEST_BUSY_RECEIVER_PORT: String(inject("testPorts").busyReceiver),
            TEST_RECORDER_PORT: String(inject("testPorts").recorder),
            TEST_PROMETHEUS_PARSER_PORT: String(inject("prometheusParserPort")),
          },
          cf: false,
        },
      })),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup/migrations.ts", "./test/setup/quiet-logs.ts"],
      // Node's own tests (scripts, the JSON Schema as an editor reads it): vitest.node.config.ts.
      exclude: ["test/node/**"],
      // The example receiver (examples/receiver), started for test/interop; the Prometheus text
      // parser that test/admin/metrics-export.test.ts hands its scrapes to; a payment provider's API
      // for test/confirm (on an ephemeral port, handed over as inject("fakeProviderApi")).
      globalSetup: ["test/node/receivers.global-setup.ts", "test/node/prometheus-parser.global-setup.ts", "test/node/fake-provider-api.global-setup.ts"],
    },
  };
});
