/**
 * The request `npm run send` makes, built without sending it: pure but for the clock and the
 * random ids, both of which the caller may pass in.
 */
import type { HttpMethod, Source } from "../../src/config/schema";
import { authenticate } from "./auth";
import { SendError } from "./errors";
import { type Fresh, randomFresh } from "./ids";
import { DEFAULT_PIX_EVENT, simulate } from "./providers";

export { SendError } from "./errors";
export { genericType } from "./providers";

export interface BuildInput {
  /** The gateway's base URL: http://127.0.0.1:8787 or https://hooks.example.com. */
  baseUrl: string;
  sourceName: string;
  source: Source;
  /** bs2-spi's event, the last segment of its URL; a pix source's callback (received, refund, sent, rec, cobr). */
  event?: string;
  /** New notification ids; the CLI's default for built-in bodies. */
  unique: boolean;
  /** FILE's bytes, sent instead of the built-in body. */
  file?: Uint8Array;
  /** Overrides the provider's method (BMP: GET, POST or PUT). */
  method?: HttpMethod;
  /** PKCS#8 PEM of the provider's private key, for asymmetric JWT rules. */
  jwtKeyPem?: string;
  /** --tamper: change the request after signing, so the gateway must refuse it (docs/providers.md). */
  tamper?: boolean;
  /** Headers sent as they are: `--client-cert`'s report (./client-cert.ts). */
  headers?: Record<string, string>;
  now?: Date;
  fresh?: Fresh;
}

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Header name → the part that may be printed (a scheme or prefix); the rest is a credential. */
  redactHeaders: Record<string, string>;
  /** Query parameters whose value is a credential. */
  redactQuery: string[];
}

export const DEFAULT_SPI_EVENT = "RecebimentoFinalizado";

export function buildRequest(input: BuildInput): OutgoingRequest {
  const base = gatewayBase(input.baseUrl);
  const now = input.now ?? new Date();
  const simulation = simulate({
    sourceName: input.sourceName,
    source: input.source,
    event: input.event ?? (input.source.provider === "pix" ? DEFAULT_PIX_EVENT : DEFAULT_SPI_EVENT),
    unique: input.unique,
    now,
    fresh: input.fresh ?? randomFresh,
    file: input.file,
  });
  simulation.method = methodFor(input, simulation.method, simulation.body !== undefined);

  // The first rule is the one the provider was given; the others are for key rotation.
  const rule = input.source.auth[0];
  if (!rule) throw new SendError(`source "${input.sourceName}" has no auth rule`);
  const credentials = authenticate(rule, simulation, { now, jwtKeyPem: input.jwtKeyPem });

  const url = new URL(`${base}/hooks/${input.sourceName}${simulation.path}`);
  for (const [name, value] of [...simulation.query, ...credentials.query]) url.searchParams.append(name, value);
  const headers: Record<string, string> = { "User-Agent": "hookgate-send" };
  for (const [name, value] of Object.entries({ ...simulation.headers, ...input.headers, ...credentials.headers })) setHeader(headers, name, value);
  return {
    method: simulation.method,
    url: input.tamper ? tamperedUrl(url) : url,
    headers,
    body: input.tamper && simulation.body ? tamperedBody(simulation.body) : simulation.body,
    redactHeaders: credentials.redactHeaders,
    redactQuery: credentials.redactQuery,
  };
}

function gatewayBase(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new SendError(`--url ${baseUrl}: not a URL (try http://127.0.0.1:8787 or https://hooks.example.com)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SendError(`--url ${baseUrl}: must be http:// or https://`);
  if (url.pathname.includes("/hooks/") || url.search) {
    throw new SendError(`--url ${baseUrl}: give the gateway's base URL (like ${url.origin}); the simulator adds /hooks/SOURCE itself`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** --method, else the provider's own, else (when the source narrows its methods) one it allows. */
function methodFor(input: BuildInput, providerMethod: string, hasBody: boolean): string {
  if (input.method) {
    if (input.method === "GET" && hasBody) throw new SendError("--method GET sends no body: leave out FILE, or use POST or PUT");
    return input.method;
  }
  const allowed = input.source.methods;
  if (!allowed || allowed.includes(providerMethod as HttpMethod)) return providerMethod;
  return allowed.find((method) => !hasBody || method !== "GET") ?? providerMethod;
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (existing !== undefined) delete headers[existing];
  headers[name] = value;
}

/** The first digit of the body changed: what a signature over the body must catch. */
export function tamperedBody(body: Uint8Array): Uint8Array {
  const out = Uint8Array.from(body);
  const at = out.findIndex((byte) => byte >= 0x30 && byte <= 0x39);
  if (at >= 0) out[at] = 0x30 + ((out[at]! - 0x30 + 1) % 10);
  else out[out.length - 1] = out[out.length - 1] === 0x20 ? 0x0a : 0x20;
  return out;
}

/** Mercado Pago signs the URL's data.id, not the body: that is what --tamper changes there. */
function tamperedUrl(url: URL): URL {
  const dataId = url.searchParams.get("data.id");
  if (dataId === null) return url;
  const out = new URL(url);
  out.searchParams.set("data.id", `${dataId}0`);
  return out;
}
