/**
 * The demo sink: a local HTTP server that stands in for a team's internal service.
 * It prints each delivered envelope, readable, and checks its Standard Webhooks signature.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { signatureLabel } from "./lib/sink-label";

export interface SinkOptions {
  port: number;
  /** The route's `whsec_...` signing secret, to verify `webhook-signature`; none: not checked. */
  signingSecret?: string;
  print?: (text: string) => void;
}

export function startDemoSink({ port, signingSecret, print = console.log }: SinkOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      // The demo's retired route: refused for good, so the delivery dies and a
      // hookgate.delivery.dead operational event arrives at the sink's main path.
      if (request.url?.startsWith("/gone")) {
        print(`\n── refused with 410 at ${request.url} (the demo's retired route): it becomes a dead letter`);
        response.writeHead(410, { "content-type": "application/json" }).end('{"error":"this route is retired"}');
        return;
      }
      print(describe(request.method ?? "?", request.headers, body, signingSecret));
      response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function describe(method: string, headers: Record<string, string | string[] | undefined>, body: Buffer, secret?: string): string {
  const header = (name: string) => [headers[name]].flat()[0] ?? "";
  const signature = signatureLabel(secret, header("webhook-signature"), () =>
    verify(secret ?? "", header("webhook-id"), header("webhook-timestamp"), body, header("webhook-signature")),
  );
  let envelope: Record<string, unknown>;
  try {
    envelope = method === "GET" ? fromCeHeaders(headers) : (JSON.parse(body.toString("utf8")) as Record<string, unknown>);
  } catch {
    return `\n── ${method} with a body that is not JSON (${body.length} bytes)`;
  }
  const lines = [
    "",
    `── ${envelope.type}  ${envelope.id}  (${signature})${envelope.recovered === true || envelope.recovered === "true" ? "  recovered by reconciliation" : ""}`,
    `   source ${envelope.source}${envelope.subject ? `  subject ${envelope.subject}` : ""}  time ${envelope.time}`,
  ];
  const data = envelope.data ?? envelope.data_base64;
  if (data !== undefined)
    lines.push(
      ...JSON.stringify(data, null, 2)
        .split("\n")
        .map((l) => `   ${l}`),
    );
  return lines.join("\n");
}

function fromCeHeaders(headers: Record<string, string | string[] | undefined>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([k]) => k.startsWith("ce-"))
      .map(([k, v]) => [k.slice(3), v]),
  );
}

function verify(secret: string, id: string, timestamp: string, body: Buffer, signatures: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
  return signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    const given = Buffer.from(value ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}
