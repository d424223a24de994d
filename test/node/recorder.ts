/**
 * A real HTTP receiver for the governed-delivery tests (test/delivery/governed/), started by the
 * global setup on 127.0.0.1: it notes every request (its arrival time, headers, body) per
 * bucket, the path's first segment after /b/, and answers as the test set that bucket up:
 *
 * - `PUT /control/{bucket}` `{"status": 503}`: answer that status to every request;
 *   `{"failFirst": 0.3, "seed": 7}`: answer 503 to that share of first attempts (by webhook-id),
 *   drawn from a seeded generator, 200 otherwise;
 * - `GET /log/{bucket}`: what arrived, in arrival order.
 */
import { createServer, type Server } from "node:http";
import { seeded } from "../seeded";

interface Arrival {
  at: number;
  headers: Record<string, string>;
  body: string;
  status: number;
}

interface Bucket {
  status?: number;
  failFirst?: number;
  random?: () => number;
  seen: Set<string>;
  log: Arrival[];
}

export function startRecorder(port: number): Promise<Server> {
  const buckets = new Map<string, Bucket>();
  const bucket = (name: string) => {
    const found = buckets.get(name);
    if (found) return found;
    const made: Bucket = { seen: new Set(), log: [] };
    buckets.set(name, made);
    return made;
  };
  const server = createServer((request, response) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const [, kind, name = ""] = (request.url ?? "").split("/");
      const reply = (status: number, json?: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(json === undefined ? "" : JSON.stringify(json));
      };
      if (kind === "control" && request.method === "PUT") {
        const settings = JSON.parse(body) as { status?: number; failFirst?: number; seed?: number };
        const b = bucket(name);
        b.status = settings.status;
        b.failFirst = settings.failFirst;
        b.random = seeded(settings.seed ?? 1);
        return reply(204);
      }
      if (kind === "log" && request.method === "GET") return reply(200, bucket(name).log);
      if (kind !== "b") return reply(404);
      const b = bucket(name);
      const id = String(request.headers["webhook-id"] ?? "");
      const first = !b.seen.has(id);
      b.seen.add(id);
      const status = b.status ?? (first && b.failFirst !== undefined && b.random!() < b.failFirst ? 503 : 200);
      b.log.push({ at, headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])), body, status });
      reply(status);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
