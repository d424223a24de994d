import type { ProviderName } from "../../src/config/schema";
import { SendError } from "./errors";
import * as examples from "./examples";
import { brasiliaTime, freshChBPe, freshEndToEndId, sha256Hex } from "./ids";
import { each, hasBodyPath, isObject, type Json, parseJson, setBodyPath } from "./json";
import { PAYMENT_PROVIDERS } from "./payment-providers";
import type { Provider, Simulation, SimulationInput } from "./simulation";

export type { Provider, Simulation, SimulationInput } from "./simulation";

const PROVIDERS: Record<ProviderName, Provider> = {
  "ns-bpe": {
    method: "POST",
    path: () => "",
    example: () => examples.nsBpeAuthorized(),
    freshen(body, { fresh, now }) {
      if ("chBPe" in body) body.chBPe = freshChBPe(String(body.chBPe), fresh);
      if ("nProt" in body) body.nProt = `1432${fresh.digits(11)}`;
      if ("dhRecbto" in body) body.dhRecbto = brasiliaTime(now);
    },
  },
  "bs2-boleto": {
    method: "POST",
    path: () => "",
    example: () => examples.bs2BoletoSettled(),
    freshen(body, { fresh, now }) {
      if ("Id" in body) body.Id = fresh.uuid();
      // A new boleto each time, not one boleto's notification again: the subject operators search by.
      if ("NossoNumeroBoleto" in body) body.NossoNumeroBoleto = fresh.digits(8);
      if ("DataNotificacao" in body) body.DataNotificacao = brasiliaTime(now);
      for (const status of each(body.StatusBoleto)) status.DataStatus = brasiliaTime(now);
    },
  },
  "bs2-spi": {
    method: "POST",
    path: ({ event }) => `/${encodeURIComponent(event)}`,
    example: ({ event }) => examples.bs2SpiNotification(event),
    freshen(body, { fresh, now }) {
      if ("id" in body) body.id = fresh.uuid();
      if ("endToEndId" in body) body.endToEndId = freshEndToEndId(now, fresh);
      if ("dataHora" in body) body.dataHora = brasiliaTime(now);
    },
  },
  pix: {
    method: "POST",
    // Banco Central appends the callback's name to the registered URL.
    path: ({ event }) => `/${pixCallback(event).path}`,
    example: ({ event }) => pixCallback(event).example(),
    freshen(body, { fresh, now }) {
      for (const item of each(body.pix)) {
        const ispb = /^E(\d{8})/.exec(String(item.endToEndId))?.[1];
        if ("endToEndId" in item) item.endToEndId = freshEndToEndId(now, fresh, ispb);
        if ("txid" in item) item.txid = fresh.alphanumeric(32);
        if ("horario" in item) item.horario = now.toISOString();
        for (const refund of each(item.devolucoes)) {
          if ("id" in refund) refund.id = fresh.alphanumeric(12);
          if (isObject(refund.horario)) refund.horario.solicitacao = now.toISOString();
        }
      }
      for (const item of [...each(body.recs), ...each(body.cobsr)]) {
        if ("idRec" in item) item.idRec = `RR12345678${now.toISOString().slice(0, 10).replace(/-/g, "")}${fresh.alphanumeric(11)}`;
        if ("txid" in item) item.txid = fresh.alphanumeric(32);
        const updates = each(item.atualizacao);
        const last = updates.at(-1);
        if (last) last.data = now.toISOString();
      }
    },
  },
  bmp: {
    method: "GET", // a status callback; BMP also sends POST and PUT, with a body
    path: () => "",
    example: () => undefined,
    freshen: () => {}, // its ids are in the query
    extras({ unique, fresh, file }) {
      // A contract event ({TipoEvento, NroProposta, ...}) comes without the proposal query.
      const body = file && parseJson(file);
      if (isObject(body) && "TipoEvento" in body) return {};
      const query = examples.bmpProposalPaid();
      if (unique) query.proposal = fresh.uuid().replace(/-/g, "");
      return { query: Object.entries(query) };
    },
  },
  "standard-webhooks": {
    method: "POST",
    path: () => "",
    example: () => examples.standardWebhooksInvoicePaid(),
    freshen(body, { now }) {
      if ("timestamp" in body) body.timestamp = now.toISOString();
    },
    extras: (_input, messageId) => ({ headers: { "webhook-id": `msg_${messageId}` } }),
  },
  generic: {
    method: "POST",
    path: () => "",
    example({ source, sourceName }) {
      const body: Json = examples.genericEvent(genericType(sourceName));
      setBodyPath(body, source.typePath, genericType(sourceName));
      setBodyPath(body, source.idPath, body.id);
      return body;
    },
    freshen(body, { source, fresh, now }) {
      const id = `evt_${fresh.alphanumeric(16)}`;
      const path = source.idPath?.startsWith("body.") ? source.idPath : "body.id";
      if (hasBodyPath(body, path)) setBodyPath(body, path, id);
      if (typeof body.created === "string") body.created = now.toISOString();
    },
    extras({ source, sourceName }, messageId) {
      const query: [string, string][] = [];
      const headers: Record<string, string> = {};
      const put = (path: string | undefined, value: string) => {
        const [where, ...rest] = path?.split(".") ?? [];
        if (where === "query") query.push([rest.join("."), value]);
        if (where === "headers") headers[rest.join(".")] = value;
      };
      put(source.idPath, `evt_${messageId}`);
      put(source.typePath, genericType(sourceName));
      return { query, headers };
    },
  },
  ...PAYMENT_PROVIDERS,
};

/** `--event` for pix sources: which of Banco Central's callbacks to send (a "pix-" prefix is allowed). */
export const PIX_EVENTS = {
  received: { path: "pix", example: examples.pixReceived },
  refund: { path: "pix", example: examples.pixRefund },
  sent: { path: "pix", example: examples.pixSent },
  rec: { path: "rec", example: examples.pixRecurrence },
  cobr: { path: "cobr", example: examples.pixRecurringCharge },
} as const;
export const DEFAULT_PIX_EVENT = "received";

function pixCallback(event: string): (typeof PIX_EVENTS)[keyof typeof PIX_EVENTS] {
  const name = event.toLowerCase().replace(/^pix-/, "");
  if (!Object.hasOwn(PIX_EVENTS, name)) throw new SendError(`--event ${event}: a pix source sends ${Object.keys(PIX_EVENTS).join(", ")}`);
  return PIX_EVENTS[name as keyof typeof PIX_EVENTS];
}

/** The event type the simulator gives a generic source: `acme` sends `acme.order.created`. */
export const genericType = (sourceName: string) => `${sourceName}.order.created`;

export function simulate(input: SimulationInput): Simulation {
  const provider = PROVIDERS[input.source.provider];
  const headers: Record<string, string> = {};
  let body: Uint8Array | undefined;
  if (input.file) {
    body = input.unique ? freshenFile(input.file, provider, input) : input.file;
    headers["Content-Type"] = contentTypeOf(body);
  } else {
    const example = provider.example(input);
    if (example && input.unique) provider.freshen(example, input);
    if (example) {
      body = Buffer.from(JSON.stringify(example, null, 2));
      headers["Content-Type"] = "application/json";
    } else if (provider.form) {
      body = Buffer.from(provider.form(input));
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
  }
  const method = input.file ? "POST" : provider.method;
  const path = provider.path(input);
  // Without --unique the token is a function of what is sent, so sending it again repeats it.
  const messageId = input.unique
    ? input.fresh.alphanumeric(24)
    : sha256Hex(`${input.sourceName} ${method} ${path} ${Buffer.from(body ?? []).toString("base64")}`).slice(0, 24);
  const extras = provider.extras?.(input, messageId) ?? {};
  return { method, path, query: extras.query ?? [], headers: { ...headers, ...extras.headers }, body, messageId };
}

/** --unique with FILE: the JSON is read, its ids replaced, and written again (2-space indent). */
function freshenFile(file: Uint8Array, provider: Provider, input: SimulationInput): Uint8Array {
  const body = parseJson(file);
  if (!isObject(body)) throw new SendError("--unique puts new ids in a JSON object, and FILE is not one: send it without --unique");
  provider.freshen(body, input);
  return Buffer.from(JSON.stringify(body, null, 2));
}

function contentTypeOf(body: Uint8Array): string {
  if (parseJson(body) !== undefined) return "application/json";
  return Buffer.from(body).toString("utf8").trimStart().startsWith("<") ? "application/xml" : "text/plain; charset=utf-8";
}
