import { HttpMethod } from "../../src/config/schema";
import { commandLine } from "../lib/args";
import { DEFAULT_SPI_EVENT } from "./build";
import { SendError } from "./errors";

export const HELP = `npm run send -- SOURCE [FILE] [options]

A provider simulator: sends SOURCE's provider's notification to the gateway, authenticated and
signed exactly as the provider would, and prints the answer. Use it against \`npm start\`, or
against a deployed gateway (--url) before the provider goes live.

  SOURCE              a source of the config (an unknown one lists them all)
  FILE                send this file's bytes as the body instead of the built-in notification

Options
  --url URL           the gateway's base URL (default http://127.0.0.1:8787, \`npm start\`);
                      the request goes to URL/hooks/SOURCE, plus /pix for pix sources (Banco
                      Central appends it) and /EVENT for bs2-spi sources
  --config FILE       the gateway config that names SOURCE and its credentials
                      (default demo/config.json); it must be the one the gateway runs with:
                      \`npm start -- --config FILE\` prints the send line to use
  --secrets FILE      where {"secret": "NAME"} values are read, after the environment
                      (default .dev.vars, when present), as \`npm start\` reads them; only
                      SOURCE's own secrets are needed
  --event NAME        bs2-spi: the event, the last segment of the URL (default ${DEFAULT_SPI_EVENT});
                      pix: the callback, received (default), refund, sent, rec or cobr
                      (pix-sent, pix-rec, pix-cobr also work)
  --method M          GET, POST or PUT (BMP sends any of them; default: the provider's own)
  --unique            give the notification new ids, so the gateway accepts it instead of
                      answering "duplicate" (on by default for built-in bodies; with FILE it
                      rewrites the file's JSON with new ids)
  --same              send the same ids every time: the second run answers 200 "duplicate"
  --jwt-key PEM_FILE  the provider's private key (PKCS#8 PEM) for a source whose first auth
                      rule is a JWT with RS*, PS*, ES* or EdDSA (the config holds only the
                      public key); HS* JWTs are signed with the rule's secret
  --tamper            change the request after signing it (a digit of the body; Mercado Pago's
                      data.id), to see the gateway refuse it: 401 where the signature covers
                      what changed; a token that covers nothing (asaas, iugu) still passes
  --client-cert demo|PEM_FILE
                      for a source with mtls, in local development only (\`npm start\`): present
                      a client certificate as Cloudflare's edge reports one. demo matches the
                      source's pins (first fingerprint, issuer, subject); PEM_FILE reports that
                      certificate, so its pins are checked for real. A deployed gateway ignores it
  --insecure          accept a self-signed certificate (\`npm start -- --https\`)
  --dry-run           print the request (credentials redacted) and do not send it
  -h, --help          this text

What is sent, per provider (what --unique changes is in brackets)
  ns-bpe              POST, the document's "authorized document" example
                      [chBPe gets a new random code and check digit, nProt and dhRecbto new]
  bs2-boleto          POST, a settled boleto (StatusBoleto.Status 3) [Id, NossoNumeroBoleto,
                      dates]
  bs2-spi             POST /RecebimentoFinalizado, an illustrative notification (BS2 publishes
                      no body) [id, endToEndId, dataHora]
  pix                 POST /pix, {"pix":[...]} as Banco Central documents it
                      [endToEndId, txid, horario]; --event refund: a settled refund
                      [also the refund id]; --event sent: a Pix the account sent (Efí's
                      example) [endToEndId, horario]; --event rec: POST /rec, Banco
                      Central's recurrence example [idRec, the last atualizacao date];
                      --event cobr: POST /cobr, its recurring-charge example [txid, the
                      last atualizacao date]
  bmp                 GET ?proposal=&status=9&identifier=, no body; with FILE: POST with FILE
                      as the body and the same query [proposal], except a contract event
                      (a body with TipoEvento), sent without a query [nothing: its id is a
                      hash of the body, so change the file to send it again]
  standard-webhooks   POST {"type":"invoice.paid",...} [webhook-id, timestamp]
  mercadopago         POST ?data.id=999999999&type=payment, the documented payment.updated
                      notification, signed over data.id, x-request-id and ts [id, date_created]
  asaas               POST the documented PAYMENT_RECEIVED event [the event id]
  pagbank             POST a paid order [reference_id, so the body and its id change]
  starkbank           POST a boleto log "paid", signed with --jwt-key (a secp256k1 private
                      key PEM whose public half the source pins) [event.id]
  efi                 POST /pix, Banco Central's Pix example [txid]
  pagarme             POST a v5 order.paid webhook [the hook id]
  iugu                POST the documented invoice.status_changed trigger, form-encoded [data[id]]
  generic             POST {"id":"evt_...","type":"SOURCE.order.created",...}; the id and type
                      are also put where the source's idPath/typePath say (body, query or
                      header) [the id]

Authentication: the source's FIRST auth rule, as the gateway checks it: basic, bearer, header,
query, hmac (over the exact body bytes; timestamp and id headers when configured), Standard
Webhooks (webhook-id, webhook-timestamp, webhook-signature v1), jwt (iat, exp in 5 minutes,
iss/aud from the rule), none.

Exit code: 0 when the gateway answers 2xx, 1 for any other answer or no answer, 2 for a
mistake in the command, the config or FILE.

Examples
  npm run send -- bs2-boleto
  npm run send -- bs2-boleto --same                 # run twice: 202 accepted, then 200 duplicate
  npm run send -- bs2-spi --event DevolucaoFinalizada
  npm run send -- pix --event pix-sent
  npm run send -- pix-psp --client-cert demo      # a source with mtls, against npm start
  npm run send -- pix --event rec
  npm run send -- bmp my-installments.json --method PUT
  npm run send -- bs2-boleto-prod --config my/fintech.json
  npm run send -- pix --url https://hooks.example.com --config prod.json --dry-run`;

export interface SendArgs {
  source?: string;
  file?: string;
  url: string;
  config: string;
  secrets: string;
  event?: string;
  method?: HttpMethod;
  /** undefined: the default (on for built-in bodies, off with FILE). */
  unique?: boolean;
  jwtKey?: string;
  tamper: boolean;
  /** "demo" or a PEM file: the client certificate reported in local development. */
  clientCert?: string;
  insecure: boolean;
  dryRun: boolean;
  help: boolean;
}

const OPTIONS = {
  url: { type: "string", default: "http://127.0.0.1:8787" },
  config: { type: "string", default: "demo/config.json" },
  secrets: { type: "string", default: ".dev.vars" },
  event: { type: "string" },
  method: { type: "string" },
  unique: { type: "boolean" },
  same: { type: "boolean" },
  "jwt-key": { type: "string" },
  tamper: { type: "boolean", default: false },
  "client-cert": { type: "string" },
  insecure: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
} as const;

export function parseSendArgs(argv: string[]): SendArgs {
  const line = commandLine(argv, { help: HELP, options: OPTIONS, maxPositionals: 2 });
  if (line.kind === "mistake") throw new SendError(line.text);
  if (line.kind === "help") return { ...parseSendArgs([]), help: true };
  const { values, positionals } = line;
  if (values.unique && values.same) throw new SendError("--unique and --same contradict each other: choose one");
  let method: HttpMethod | undefined;
  if (values.method !== undefined) {
    const checked = HttpMethod.safeParse(values.method.toUpperCase());
    if (!checked.success) throw new SendError(`--method ${values.method}: expected GET, POST or PUT (or PATCH, DELETE)`);
    method = checked.data;
  }
  return {
    source: positionals[0],
    file: positionals[1],
    url: values.url,
    config: values.config,
    secrets: values.secrets,
    event: values.event,
    method,
    unique: values.same ? false : values.unique,
    jwtKey: values["jwt-key"],
    tamper: values.tamper,
    clientCert: values["client-cert"],
    insecure: values.insecure,
    dryRun: values["dry-run"],
    help: false,
  };
}
