// Tells `cloudflare:workers` (env, exports) about this project's bindings and main module.
type HookgateEnv = import("../src/env").Env;

declare namespace Cloudflare {
  interface Env extends HookgateEnv {
    /** The Node services' ephemeral ports (vitest.config.ts, test/node/test-ports.ts). */
    TEST_RECEIVER_PORT: string;
    TEST_BUSY_RECEIVER_PORT: string;
    TEST_RECORDER_PORT: string;
    TEST_PROMETHEUS_PARSER_PORT: string;
    /** A second delivery queue (hookgate-deliveries-1) with a background consumer; bound as DELIVERIES_1 by test/delivery/queues.test.ts only. */
    TEST_DELIVERIES_1: Queue<unknown>;
  }
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}

// A document read as text by a test (Vite's `?raw`), so what it shows can be checked.
declare module "*.md?raw" {
  const text: string;
  export default text;
}
