/**
 * A payment provider's API for the confirm-by-fetch tests (test/confirm/), a real HTTP server on
 * 127.0.0.1 on an ephemeral port, handed to the tests as `inject("fakeProviderApi")`. Its
 * resources are whatever a test puts there:
 *
 * - `PUT /control{path}` `{"status": 200, "body": {...}}`: `GET {path}` answers that from now on
 *   (a path nobody put answers 404, as the providers' APIs do for an unknown id);
 * - `GET /seen{path}`: the GETs of that path so far, with their headers.
 *
 * Tests use their own ids, so they never see each other's resources.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

interface Answer {
  status: number;
  body: unknown;
}

export default async function setup(project: TestProject) {
  const answers = new Map<string, Answer>();
  const seen = new Map<string, Record<string, string>[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://x").pathname;
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      };
      if (request.method === "PUT" && path.startsWith("/control/")) {
        answers.set(path.slice("/control".length), JSON.parse(Buffer.concat(chunks).toString("utf8")) as Answer);
        return reply(204, null);
      }
      if (request.method === "GET" && path.startsWith("/seen/")) return reply(200, seen.get(path.slice("/seen".length)) ?? []);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      seen.set(path, [...(seen.get(path) ?? []), headers]);
      const answer = answers.get(path);
      return answer ? reply(answer.status, answer.body) : reply(404, { message: "not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("fakeProviderApi", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module "vitest" {
  export interface ProvidedContext {
    fakeProviderApi: string;
  }
}
