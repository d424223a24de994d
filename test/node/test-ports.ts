/**
 * The ports of the Node services the workerd tests call on 127.0.0.1. Each global setup listens on
 * an ephemeral port (0: the system picks a free one), so `npm test` runs whatever else holds 8880,
 * and two checkouts test side by side; it hands the port on with vitest's `provide`, and
 * vitest.config.ts gives it to the tests as a binding (`inject`, read when the pool starts).
 */
import { type AddressInfo, createServer, type Server } from "node:net";

export interface TestPorts {
  /** examples/receiver: takes everything. */
  receiver: number;
  /** examples/receiver, one event at a time, 503 with Retry-After meanwhile. */
  busyReceiver: number;
  /** test/node/recorder.ts, which test/delivery/governed/ delivers to. */
  recorder: number;
}

declare module "vitest" {
  export interface ProvidedContext {
    testPorts: TestPorts;
    prometheusParserPort: number;
  }
}

/** The port a server listening on port 0 was given. */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** A port free now, for a script that takes --port (a later bind could still lose it; the system rarely reuses one so soon). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = portOf(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
