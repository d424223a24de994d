/**
 * A Prometheus text parser as a service on 127.0.0.1, for the workerd tests that scrape the
 * gateway: prom2javascript (npm) reads whole histograms per label set, and loads only in Node
 * (it needs node:readline, which workerd does not give). POST the text to
 * http://127.0.0.1:{port}/parse: 200 with the families as prom2javascript reads them, or 422 with
 * the parser's error. The port is ephemeral, handed to the tests through vitest's `provide`.
 */
import { createServer } from "node:http";
import { getMetricsFromIterator } from "prom2javascript";
import type { TestProject } from "vitest/node";
import { portOf } from "./test-ports";

export default async function setup(project: Pick<TestProject, "provide">) {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      const families = await getMetricsFromIterator(text.split("\n")[Symbol.iterator]());
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(families));
    } catch (error) {
      response.writeHead(422, { "content-type": "text/plain" }).end(error instanceof Error ? error.message : String(error));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  project.provide("prometheusParserPort", portOf(server));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
