import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src";
import type { DeliveryMessage } from "../src/delivery/message";

export type Overrides = Record<string, unknown>;

/** The real local queue, wrapped so a test can read what was sent, or make sending fail. */
export function recordingQueue(options: { fail?: boolean } = {}) {
  const sent: DeliveryMessage[] = [];
  const queue = {
    async send(body: DeliveryMessage, opts?: QueueSendOptions) {
      if (options.fail) throw new Error("queue unavailable");
      sent.push(body);
      await env.DELIVERIES.send(body, opts);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>, opts?: QueueSendBatchOptions) {
      if (options.fail) throw new Error("queue unavailable");
      const list = [...messages];
      sent.push(...list.map((m) => m.body));
      await env.DELIVERIES.sendBatch(list, opts);
    },
  };
  return { queue, sent };
}

/** Calls the worker with the test's config and bindings, and waits for its waitUntil work. */
export async function callWorker(request: Request, overrides: Overrides = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...overrides } as never, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function basic(username: string, password: string): string {
  return "Basic " + btoa(`${username}:${password}`);
}

export function bytesToHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function hmac(algorithm: "SHA-256" | "SHA-512" | "SHA-1", key: Uint8Array | string, content: Uint8Array | string): Promise<Uint8Array> {
  const keyBytes = typeof key === "string" ? new TextEncoder().encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: algorithm }, false, ["sign"]);
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, data));
}

/** Signs like a Standard Webhooks sender: `v1,base64(HMAC-SHA256(key, id.timestamp.body))`. */
export async function standardWebhooksSignature(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const mac = await hmac("SHA-256", key, `${id}.${timestamp}.${body}`);
  return "v1," + btoa(String.fromCharCode(...mac));
}

/** Captures console.log lines for the duration of `run`. */
export async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    return { result: await run(), lines };
  } finally {
    console.log = original;
  }
}

let counter = 0;
/** A unique id per call, so tests sharing the local KV never see each other's markers. */
export function uniqueId(prefix = "n"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The `error` of an error answer, typed. */
export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return (await response.json<{ error: { code: string; message: string } }>()).error;
}

/** What Cloudflare puts in `request.cf.tlsClientAuth` for a verified, unexpired client certificate. */
export function verifiedClientCertificate(fingerprint: string) {
  return {
    certPresented: "1",
    certVerified: "SUCCESS",
    certRevoked: "0",
    certNotAfter: "Dec 22 19:39:00 2099 GMT",
    certFingerprintSHA256: fingerprint,
    certIssuerDN: "CN=PSP CA",
    certSubjectDN: "CN=psp",
  };
}

/** The object, and how many times anything listed its keys. */
export function watched<T extends object>(object: T): { value: T; listings: () => number } {
  let listings = 0;
  const value = new Proxy(object, {
    ownKeys(target) {
      listings += 1;
      return Reflect.ownKeys(target);
    },
  });
  return { value, listings: () => listings };
}

/** BS2's boleto notification (the fields of its document's table, as test/adapters/bs2-boleto.test.ts), at a status. */
export const bs2Boleto = (id: string, status: number) => ({
  Id: id,
  DataNotificacao: "2024-09-05T10:00:05-03:00",
  NossoNumeroBoleto: "00012345",
  SeuNumeroBoleto: "PEDIDO-981",
  Valor: "150.00",
  ValorLiquidado: "150.00",
  SituacaoDescricao: "Liquidado",
  Situacao: 4,
  StatusBoleto: { Status: status, Descricao: "Boleto liquidado/baixado - crédito efetuado na CC", DataStatus: "2024-09-05T10:00:00-03:00" },
});
