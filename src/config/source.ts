import * as z from "zod";
import { reservedNamespaceOf } from "../adapters/reserved";
import { SourceSchema } from "../catalog/source-schema";
import { isValidCidr } from "../net/ip";
import { targetUrlProblem } from "../net/targets";
import { AuthRule } from "./auth-rules";
import { closed, nonEmpty } from "./closed";
import { CONFIRMABLE_PROVIDERS, Confirm } from "./confirm";
import { ProviderName } from "./providers";

export const HttpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const MtlsPins = closed({
  fingerprintsSha256: z
    .array(
      z.string().refine((f) => /^[0-9a-f]{64}$/.test(f.replace(/[:\s]/g, "").toLowerCase()), "must be a SHA-256 fingerprint: 64 hex digits, colons allowed"),
    )
    .default([])
    .describe("Pinned certificate fingerprints (SHA-256, colons and case ignored); none: any certificate Cloudflare verified."),
  issuerDn: z.string().trim().min(1).optional().describe("The issuer DN the certificate must have, exactly as Cloudflare shows it."),
  subjectDn: z.string().trim().min(1).optional().describe("The subject DN the certificate must have, exactly as Cloudflare shows it."),
}).describe("Require a client certificate verified by Cloudflare (API Shield mTLS), narrowed by these pins.");
export type MtlsPins = z.infer<typeof MtlsPins>;

const Cidr = z.string().refine(isValidCidr, "must be an IPv4 or IPv6 address or CIDR range");

/** Dotted path into the request: `body.a.b`, `query.name` or `headers.name`. */
const RequestPath = z.string().regex(/^(body|query|headers)\.[^.]+(\.[^.]+)*$/, 'must start with "body.", "query." or "headers."');

/**
 * A quarantined request keeps its body as base64 (4/3 of it, under 14 MB at this limit) in
 * one KV value of at most 25 MiB: the quarantine write, the last resort, always fits.
 */
export const MAX_BODY_BYTES_LIMIT = 10 * 1024 * 1024;

/** A request carries at most this many notifications unless the config says otherwise (docs/contract.md §10). */
export const DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST = 1000;
/** The ceiling a config may set: ingest's binding operations grow by about one per 50 notifications (docs/limits.md). */
export const MAX_NOTIFICATIONS_PER_REQUEST_LIMIT = 10_000;
export const MaxNotifications = z.number().int().min(1).max(MAX_NOTIFICATIONS_PER_REQUEST_LIMIT);

/** The bound `dedupShards` had before the ledger; kept so older configs stay valid. */
export const MAX_STRICT_DEDUP_SHARDS = 32;

/** The same rules as a route's url (TargetUrl): loopback passes here and then only in local development. */
const PspUrl = z.string().check((ctx) => {
  const problem = targetUrlProblem(ctx.value, { localDev: true });
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: undefined });
});

/**
 * Pix reconciliation (docs/contract.md §11): where the PSP's Banco Central Pix API is and how to
 * get a token. The defaults are Banco Central's and RFC 6749's; the options cover what PSPs
 * do differently (see docs/pix.md).
 */
export const Reconcile = closed({
  baseUrl: PspUrl.describe("The PSP's Banco Central Pix API, e.g. https://pix.psp.example/api/v2."),
  tokenUrl: PspUrl.describe("The PSP's OAuth2 token endpoint (client credentials)."),
  clientId: nonEmpty.describe("The OAuth2 client id."),
  clientSecret: nonEmpty.describe("The OAuth2 client secret; write it as a secret reference."),
  /** A Workers `mtls_certificates` binding: every call to the PSP presents it. */
  certificate: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a binding name")
    .optional()
    .describe("A Workers mtls_certificates binding presented on every call to the PSP. Plain fetch when absent."),
  everyMinutes: z.number().int().min(1).max(1440).default(10).describe("How often a reconciliation scan starts."),
  windowMinutes: z.number().int().min(1).max(10_080).default(120).describe("How far back each scan reads, before where the last one ended."),
  /** Space-separated scopes asked for; "" asks for none (the PSP grants what the application has). */
  scope: z.string().default("pix.read").describe('Space-separated scopes asked for; "" asks for none.'),
  /** Client credentials in an `Authorization: Basic` header (RFC 6749 §2.3.1), or as body fields. */
  tokenAuth: z.enum(["basic", "body"]).default("basic").describe("Client credentials in an Authorization: Basic header, or as body fields."),
  /** The token request's body: form-urlencoded (RFC 6749), or JSON (Efí). */
  tokenFormat: z.enum(["form", "json"]).default("form").describe("The token request's body: form-urlencoded (RFC 6749), or JSON (Efí)."),
  /** Extra query parameters on every API call (Banco do Brasil's gw-dev-app-key). */
  query: z.record(z.string().min(1), z.string()).default({}).describe("Extra query parameters on every API call (Banco do Brasil's gw-dev-app-key)."),
  itemsPerPage: z.number().int().min(1).max(1000).default(100).describe("paginacao.itensPorPagina asked for."),
  maxPagesPerRun: z.number().int().min(1).max(50).default(5).describe("Pages one run reads at most; the next run carries on."),
}).describe("Pix reconciliation: read the PSP's GET /pix on a schedule and recover what the webhook missed.");
export type Reconcile = z.infer<typeof Reconcile>;

/** Auth rules named after the one provider whose scheme they check. */
const PROVIDER_RULES: ReadonlySet<string> = new Set(["mercadopago", "asaas", "pagbank", "starkbank", "pagarme"]);

export const Source = closed({
  provider: ProviderName.describe("The adapter that reads this provider's notifications."),
  methods: z.array(HttpMethod).min(1).optional().describe("Allowed methods. Default: the adapter's (POST; BMP: GET, POST, PUT)."),
  auth: z
    .array(AuthRule)
    .min(1, 'must list at least one rule; a public source says [{"type":"none"}]')
    .describe('Any one rule passing authenticates; list two to rotate a key. A public source says [{"type":"none"}].'),
  mtls: MtlsPins.optional(),
  ipAllow: z.array(Cidr).min(1).optional().describe("Allowed client addresses or CIDR ranges (IPv4, IPv6), from CF-Connecting-IP. Anyone when absent."),
  dedupTtlSeconds: z
    .number()
    .int()
    .min(60, "must be at least 60")
    .optional()
    .describe("How long an accepted notification id is remembered, in seconds; at least 60. Default: 604800 (7 days); BMP 3600."),
  /** Kept for configs written before the ledger: every source now gets exactly-once acceptance (docs/dedup-and-batches.md). */
  dedup: z
    .enum(["kv", "strict"])
    .default("kv")
    .describe("Accepted for older configs; both values now mean exactly-once acceptance through the ledger (docs/dedup-and-batches.md)."),
  /** Kept for configs written before the ledger; `ledger.shards` spreads every source now. */
  dedupShards: z
    .number()
    .int()
    .min(1)
    .max(MAX_STRICT_DEDUP_SHARDS)
    .optional()
    .describe("Accepted for older configs (strict only); no longer changes anything: ledger.shards spreads every source."),
  /** A request carrying more is quarantined whole; default: the gateway's `maxNotificationsPerRequest`. */
  maxNotificationsPerRequest: MaxNotifications.optional().describe("A request carrying more notifications is quarantined whole. Default: the gateway's."),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .max(MAX_BODY_BYTES_LIMIT)
    .default(1024 * 1024)
    .describe("The largest body accepted, in bytes; at most 10 MiB. Larger: 413."),
  onInvalid: z
    .enum(["quarantine", "reject"])
    .default("quarantine")
    .describe("What an unreadable notification gets: kept whole in quarantine (202), or refused (400 invalid_payload)."),
  idPath: RequestPath.optional().describe("generic only: where the notification id is (body.a.b, query.x, headers.x). Default: SHA-256 of the body."),
  typePath: RequestPath.optional().describe("generic only: where the event type is. Default: eventType, else generic.event."),
  eventType: z.string().min(1).optional().describe("generic only: a fixed event type when there is no typePath; not in a namespace an adapter owns."),
  schema: SourceSchema.optional(),
  reconcile: Reconcile.optional(),
  confirm: Confirm.optional(),
}).check((ctx) => {
  const source = ctx.value;
  if (source.confirm !== undefined && !CONFIRMABLE_PROVIDERS.includes(source.provider)) {
    ctx.issues.push({ code: "custom", message: `only ${CONFIRMABLE_PROVIDERS.join(", ")} sources take this`, path: ["confirm"], input: undefined });
  }
  if (source.reconcile !== undefined && source.provider !== "pix") {
    ctx.issues.push({ code: "custom", message: "only the pix provider takes this", path: ["reconcile"], input: undefined });
  }
  if (source.schema !== undefined && source.provider !== "generic" && source.provider !== "standard-webhooks") {
    ctx.issues.push({
      code: "custom",
      message: "only generic and standard-webhooks sources take this: other providers' types are in the catalog",
      path: ["schema"],
      input: undefined,
    });
  }
  if (source.provider !== "generic") {
    for (const key of ["idPath", "typePath", "eventType"] as const) {
      if (source[key] !== undefined) {
        ctx.issues.push({ code: "custom", message: "only the generic provider takes this", path: [key], input: undefined });
      }
    }
  }
  source.auth.forEach((rule, index) => {
    if (PROVIDER_RULES.has(rule.type) && rule.type !== source.provider) {
      ctx.issues.push({
        code: "custom",
        message: `the "${rule.type}" rule checks ${rule.type}'s notifications; this source's provider is ${source.provider}`,
        path: ["auth", index, "type"],
        input: undefined,
      });
    }
  });
  const none = source.auth.findIndex((rule) => rule.type === "none");
  if (none !== -1 && source.auth.length > 1) {
    ctx.issues.push({
      code: "custom",
      message: '"none" lets every request through, so it cannot sit beside other rules; a public source lists it alone',
      path: ["auth", none],
      input: undefined,
    });
  }
  if (source.dedupShards !== undefined && source.dedup !== "strict") {
    ctx.issues.push({ code: "custom", message: 'only a source with "dedup": "strict" takes this', path: ["dedupShards"], input: undefined });
  }
  const namespace = source.eventType === undefined ? undefined : reservedNamespaceOf(source.eventType);
  if (namespace !== undefined) {
    ctx.issues.push({
      code: "custom",
      message: `"${namespace}" types come only from their own adapters or the gateway`,
      path: ["eventType"],
      input: undefined,
    });
  }
});
export type Source = z.infer<typeof Source>;
