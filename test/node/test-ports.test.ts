import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import startPrometheusParser from "./prometheus-parser.global-setup";
import startReceivers from "./receivers.global-setup";
import type { TestPorts } from "./test-ports";

// `npm test` while something else holds the ports the suite used to bind (8880 to 8883): the
// global setups listen on ports the system picks and hand them to the tests.

async function hold(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined)); // already held by something else: as good
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("the test suite's Node services", () => {
  it("start when 8880 to 8883 are taken, on ports they hand to the tests", { timeout: 60_000 }, async () => {
    const held = await Promise.all([8880, 8881, 8882, 8883].map(hold));
    const provided: { testPorts?: TestPorts; prometheusParserPort?: number } = {};
    const project = { provide: (key: string, value: unknown) => Object.assign(provided, { [key]: value }) } as Parameters<typeof startReceivers>[0];
    const stops: (() => unknown)[] = [];
    try {
      stops.push(await startReceivers(project), await startPrometheusParser(project));
      const { receiver, busyReceiver, recorder } = provided.testPorts!;
      const ports = [receiver, busyReceiver, recorder, provided.prometheusParserPort!];
      expect(new Set(ports).size).toBe(4);
      for (const port of ports) expect([8880, 8881, 8882, 8883]).not.toContain(port);
      // Each answers on the port it handed on.
      expect((await fetch(`http://127.0.0.1:${receiver}/webhooks`, { method: "POST", body: "{}" })).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${recorder}/log/x`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${provided.prometheusParserPort}/parse`, { method: "POST", body: "# TYPE x counter\nx 1\n" })).status).toBe(200);
    } finally {
      for (const stop of stops) await stop();
      for (const server of held) server?.close();
    }
  });
});
