/**
 * `npm run fake-psp [-- --port N] [--config FILE]`: a PSP's Banco Central Pix API on
 * 127.0.0.1, for the reconciliation demo (docs/pix.md). It answers the OAuth2 token request
 * (client credentials of the config's pix sources whose reconcile points here) and
 * `GET /api/v2/pix?inicio=&fim=&paginacao.*`, paged as Banco Central specifies, over the
 * Pix it holds: one received when it starts, whose webhook "never came", and one more for
 * each `POST /fake/pix`. Nothing here is for production.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { parseConfig } from "../src/config/load";
import { readCommandLine } from "./lib/args";
import { secretReader } from "./lib/dotvars";

const { values } = readCommandLine(process.argv.slice(2), {
  help: `npm run fake-psp -- [--port N] [--config FILE]

A PSP's Banco Central Pix API on 127.0.0.1, for the reconciliation demo (docs/pix.md): OAuth2
tokens for the client credentials of FILE's pix sources whose reconcile points at this port, and
GET /api/v2/pix over the Pix it holds. POST /fake/pix adds one. Nothing here is for production.

  --port N          the port (default 8790)
  --config FILE     the gateway config whose pix sources reconcile here (default demo/config.json);
                    its secrets are read from the environment or .dev.vars
  -h, --help        this text`,
  options: { port: { type: "string", default: "8790" }, config: { type: "string", default: "demo/config.json" } },
});
const PORT = Number(values.port);
const CONFIG = values.config;
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error(`--port takes a port number, not ${values.port}`);
  process.exit(2);
}

if (!existsSync(CONFIG)) {
  console.error(`no config file at ${CONFIG}`);
  process.exit(2);
}
// Local by nature: its config is the one `npm start` runs, loopback targets (the demo sink) and all.
const loaded = parseConfig(readFileSync(CONFIG, "utf8"), secretReader(), { localDev: true, file: CONFIG });
if (!loaded.ok) {
  console.error(`${CONFIG}: the gateway config is invalid\n  - ${loaded.problems.join("\n  - ")}`);
  process.exit(2);
}
const clients = new Map<string, string>();
for (const source of Object.values(loaded.config.sources)) {
  const reconcile = source.reconcile;
  if (reconcile && new URL(reconcile.baseUrl).port === String(PORT)) clients.set(reconcile.clientId, reconcile.clientSecret);
}
if (clients.size === 0) console.error(`note: no pix source of ${CONFIG} reconciles against port ${PORT}; every token request will be refused`);

const pix: Record<string, unknown>[] = [];
const tokens = new Map<string, number>();
const TOKEN_LIFETIME_SECONDS = 300;

function addPix(): Record<string, unknown> {
  const now = new Date();
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 12);
  const item = {
    endToEndId: `E99999999${stamp}${randomBytes(6).toString("hex").slice(0, 11)}`,
    txid: randomBytes(16).toString("hex"),
    valor: "42.00",
    horario: now.toISOString(),
    infoPagador: "Pix whose webhook never came",
  };
  pix.push(item);
  return item;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function tokenAnswer(request: IncomingMessage, body: string): [number, unknown] {
  const json = (request.headers["content-type"] ?? "").startsWith("application/json");
  const fields = json ? new Map(Object.entries(JSON.parse(body || "{}") as Record<string, string>)) : new Map(new URLSearchParams(body));
  const basic = request.headers.authorization?.startsWith("Basic ")
    ? Buffer.from(request.headers.authorization.slice(6), "base64").toString("utf8")
    : undefined;
  const [id, secret] = basic
    ? [basic.slice(0, basic.indexOf(":")), basic.slice(basic.indexOf(":") + 1)]
    : [fields.get("client_id"), fields.get("client_secret")];
  if (fields.get("grant_type") !== "client_credentials" || id === undefined || clients.get(id) !== secret) return [401, { error: "invalid_client" }];
  const token = randomBytes(24).toString("base64url");
  tokens.set(token, Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
  console.log(`fake-psp: token issued to ${id} (scope "${fields.get("scope") ?? ""}")`);
  return [200, { access_token: token, token_type: "Bearer", expires_in: TOKEN_LIFETIME_SECONDS, scope: fields.get("scope") ?? "" }];
}

function listAnswer(request: IncomingMessage, url: URL): [number, unknown] {
  const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
  if ((tokens.get(token) ?? 0) < Date.now()) return [401, { title: "Não autorizado" }];
  const inicio = Date.parse(url.searchParams.get("inicio") ?? "");
  const fim = Date.parse(url.searchParams.get("fim") ?? "");
  if (Number.isNaN(inicio) || Number.isNaN(fim) || fim < inicio) return [400, { title: "PixConsultaInvalida" }];
  const page = Number(url.searchParams.get("paginacao.paginaAtual") ?? 0);
  const perPage = Number(url.searchParams.get("paginacao.itensPorPagina") ?? 100);
  const matching = pix.filter((item) => Date.parse(String(item.horario)) >= inicio && Date.parse(String(item.horario)) <= fim);
  const items = matching.slice(page * perPage, (page + 1) * perPage);
  console.log(`fake-psp: GET /pix ${url.searchParams.get("inicio")} .. ${url.searchParams.get("fim")} page ${page}: ${items.length} Pix`);
  const paginacao = {
    paginaAtual: page,
    itensPorPagina: perPage,
    quantidadeDePaginas: Math.ceil(matching.length / perPage),
    quantidadeTotalDeItens: matching.length,
  };
  return [200, { parametros: { inicio: url.searchParams.get("inicio"), fim: url.searchParams.get("fim"), paginacao }, pix: items }];
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? "/", `http://127.0.0.1:${PORT}`);
  const body = await readBody(request);
  let answer: [number, unknown] = [404, { title: "not found" }];
  if (request.method === "POST" && url.pathname === "/oauth/token") answer = tokenAnswer(request, body);
  else if (request.method === "GET" && url.pathname === "/api/v2/pix") answer = listAnswer(request, url);
  else if (request.method === "POST" && url.pathname === "/fake/pix") {
    const item = addPix();
    console.log(`fake-psp: received Pix ${item.endToEndId} (no webhook sent)`);
    answer = [201, item];
  }
  response.writeHead(answer[0], { "content-type": "application/json" }).end(JSON.stringify(answer[1]));
});

server.listen(PORT, "127.0.0.1", () => {
  const first = addPix();
  console.log(`fake-psp: Banco Central Pix API on http://127.0.0.1:${PORT}/api/v2, token at /oauth/token`);
  console.log(`fake-psp: holds Pix ${first.endToEndId}, whose webhook never came`);
  console.log(`fake-psp: add another with  curl -X POST http://127.0.0.1:${PORT}/fake/pix`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
