import { defineConfig } from "vitest/config";

// The tests of what runs in Node rather than in the Worker: the scripts (setup, check-config)
// and the JSON Schema as an editor reads it. `npm test` runs them after the workerd suite.
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
  },
});
