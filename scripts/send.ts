/**
 * `npm run send -- SOURCE [FILE] [--url URL] ...`: a provider simulator. It sends SOURCE's
 * provider's notification to the gateway, authenticated as the source's first auth rule says,
 * and prints the answer. The request itself is built in ./send/build.ts; `--help` says it all.
 */
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { secretReader } from "./lib/dotvars";
import { HELP, parseSendArgs, type SendArgs } from "./send/args";
import { buildRequest, type OutgoingRequest, SendError } from "./send/build";
import { clientCertificate } from "./send/client-cert";
import { sendConfig } from "./send/config";
import { refusedHere } from "./send/obstacles";
import { type Answer, formatAnswer, formatRequest, printableUrl } from "./send/print";

const TIMEOUT_MS = 30_000;

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseSendArgs(argv);
    if (args.help) {
      console.log(HELP);
      return 0;
    }
    return await run(args);
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    console.error(error.message);
    return 2;
  }
}

async function run(args: SendArgs): Promise<number> {
  const raw = readInput(args.config, "--config");
  const { names, source, note } = sendConfig(raw.toString("utf8"), args.config, secretReader(args.secrets), args.secrets, args.source);
  if (args.source === undefined) {
    throw new SendError(`usage: npm run send -- SOURCE [FILE] [--url URL] (--help for more)\nthe config has: ${names.join(", ")}`);
  }
  if (!source) throw new SendError(`unknown source "${args.source}"; ${args.config} has: ${names.join(", ")}`);
  if (note) console.error(note);
  const certificate = args.clientCert === undefined ? undefined : await clientCertificate(args.clientCert, source, args.source, args.url, new Date());
  if (certificate?.note) console.error(certificate.note);
  const refusal = certificate && source.mtls ? undefined : refusedHere(source);
  if (refusal) console.error(`note: source "${args.source}": ${refusal}`);
  if (args.event !== undefined && source.provider !== "bs2-spi" && source.provider !== "pix") {
    console.error(`note: --event is for bs2-spi and pix sources; "${args.source}" is ${source.provider}, so it is ignored`);
  }

  const request = buildRequest({
    baseUrl: args.url,
    sourceName: args.source,
    source,
    event: args.event,
    unique: args.unique ?? args.file === undefined,
    file: args.file === undefined ? undefined : readInput(args.file, "FILE"),
    method: args.method,
    jwtKeyPem: args.jwtKey === undefined ? undefined : readInput(args.jwtKey, "--jwt-key").toString("utf8"),
    tamper: args.tamper,
    headers: certificate?.headers,
  });
  if (args.dryRun) {
    console.log(formatRequest(request));
    return 0;
  }

  let answer: Answer;
  try {
    answer = await send(request, args.insecure);
  } catch (error) {
    console.error(`${request.method} ${printableUrl(request)} → no answer: ${describe(error)}`);
    const hint = connectionHint(request.url, describe(error));
    if (hint) console.error(`hint: ${hint}`);
    return 1;
  }
  const context = { sourceName: args.source, provider: source.provider, configFile: args.config, fromFile: args.file !== undefined };
  console.log(formatAnswer(request, answer, context));
  return answer.status >= 200 && answer.status < 300 ? 0 : 1;
}

function readInput(file: string, what: string): Buffer {
  if (!existsSync(file)) throw new SendError(`${what} ${file}: no such file`);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new SendError(`${what} ${file}: cannot be read (${describe(error)})`);
  }
}

/** node:http rather than fetch: it can accept a self-signed certificate (--insecure) and sends the body bytes as given. */
function send(request: OutgoingRequest, insecure: boolean): Promise<Answer> {
  const started = performance.now();
  const requester = request.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = requester(
      request.url,
      { method: request.method, headers: request.headers, timeout: TIMEOUT_MS, rejectUnauthorized: !insecure },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            ms: Math.round(performance.now() - started),
          }),
        );
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    outgoing.on("error", reject);
    outgoing.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}

function connectionHint(url: URL, message: string): string | undefined {
  if (/certificate|self[- ]signed/i.test(message)) return "--insecure accepts a self-signed certificate (local development only)";
  if (url.protocol === "https:" && /ECONNRESET|EPROTO|wrong version|before secure TLS/i.test(message)) {
    return "this server does not answer https: use an http:// --url, or start the gateway with `npm start -- --https`";
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  return local ? "is the gateway running? start it with `npm start`" : undefined;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

process.exitCode = await main(process.argv.slice(2));
