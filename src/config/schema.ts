import * as z from "zod";
import { reservedNamespaceOf } from "../adapters/reserved";
import { isValidCidr } from "../net/ip";
import { targetUrlProblem } from "../net/targets";
import { RouteFilter } from "../routing/filter";
import { routeGovernance } from "./governance";
import { nearest } from "./spelling";

/**
 * The gateway's configuration, as docs/contract.md section 2 describes it.
 *
 * These schemas validate the document *after* `{"secret": "NAME"}` references were
 * replaced by the secrets' values (see ./secrets.ts), so every secret field is a plain
 * string here. Messages never echo a received value: zod 4's defaults do not, and the
 * custom ones below only name what was expected.
 *
 * Every object is `closed`: a key it does not know is an error naming the object's path and
 * the key (a typo such as `dedupTtlSecond` is never silently ignored). New objects take
 * `closed({...})` too; a test walks the generated JSON Schema and names any object left open.
 * The descriptions are what editors show from `schema/config.schema.json` (`npm run schema`).
 */

export function closed<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, Object.keys(shape)) : undefined),
  });
}

function unknownKeysMessage(unknown: readonly string[], known: readonly string[]): string {
  return unknown
    .map((key) => {
      const near = nearest(key, known);
      return near ? `unknown key "${key}" (did you mean "${near}"?)` : `unknown key "${key}"`;
    })
    .join("; ");
}

const slug = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be 1-64 characters of a-z, 0-9 and -");

const nonEmpty = z.string().min(1, "must not be empty");

export const HttpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const ProviderName = z.enum(["generic", "standard-webhooks", "ns-bpe", "bs2-boleto", "bs2-spi", "pix", "bmp"]);
export type ProviderName = z.infer<typeof ProviderName>;

// ---------------------------------------------------------------- source auth rules

export const NoneRule = closed({ type: z.literal("none") }).describe(
  "Anyone passes: for a source that authenticates by other means (mTLS, ipAllow) or not at all.",
);

export const BasicRule = closed({
  type: z.literal("basic"),
  // RFC 7617: the user-id cannot contain a colon (the password may).
  username: nonEmpty.refine((u) => !u.includes(":"), "must not contain ':'").describe("The Basic username; must not contain ':'."),
  password: nonEmpty.describe('The Basic password; may contain \':\'. Usually a {"secret": "NAME"} reference.'),
}).describe("HTTP Basic: `Authorization: Basic` must carry this username and password.");

export const BearerRule = closed({ type: z.literal("bearer"), token: nonEmpty.describe("The token after `Bearer `.") }).describe(
  "`Authorization: Bearer <token>` must match.",
);

export const HeaderRule = closed({
  type: z.literal("header"),
  name: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name")
    .describe("The header's name, for example API-Key, X-API-Key or Authorization."),
  value: nonEmpty.describe("The value the header must hold (after the prefix)."),
  prefix: z.string().optional().describe('Text before the value, for example "HMAC " as BMP sends it. None by default.'),
}).describe("A named header must equal prefix + value.");

export const QueryRule = closed({
  type: z.literal("query"),
  name: nonEmpty.describe("The query parameter; it is removed before the request is kept anywhere."),
  value: nonEmpty.describe("The value the first parameter of that name must equal."),
}).describe("For providers that can only put a secret in the URL.");

export const JwtAlgorithm = z.enum(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]);
export type JwtAlgorithm = z.infer<typeof JwtAlgorithm>;

export const JwtRule = closed({
  type: z.literal("jwt"),
  alg: JwtAlgorithm.describe("The one algorithm accepted; the token's alg header must equal it."),
  secret: nonEmpty.optional().describe("The HMAC key, for HS256/384/512. Exactly one of secret, publicKeyPem, jwksUrl."),
  publicKeyPem: nonEmpty.optional().describe("A PEM public key (SPKI), for RS*, PS*, ES* and EdDSA."),
  jwksUrl: z
    .url({ protocol: /^https$/, error: "must be an https URL" })
    .refine((url) => isAllowedTargetUrl(url, false), "must not be a loopback or non-public address")
    .optional()
    .describe(
      "An https JWKS URL; keys are cached 10 minutes, refetched at most every 30 s for an unknown kid, and the last good keys serve 6 h when a refresh fails.",
    ),
  issuer: z.string().optional().describe("The iss the token must carry. Not checked when absent."),
  /** One audience the token's `aud` must contain. */
  audience: z.string().min(1).optional().describe("One audience the token's aud must contain. Not checked when absent."),
  /** Tokens without `exp` are refused unless this is set; then `iat` must be at most this old. */
  maxTokenAgeSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .optional()
    .describe("Tokens without exp are refused unless this is set; then iat must be present and at most this many seconds old."),
  /** Header carrying the token; `Authorization` (default) expects `Bearer <jwt>`. */
  header: z.string().default("Authorization").describe("The header carrying the token; Authorization expects `Bearer <jwt>`, any other the bare token."),
})
  .describe("A JWT signed with exactly the configured alg; exp/nbf within 60 s, iss/aud when set.")
  .check((ctx) => {
    const rule = ctx.value;
    const keys = [rule.secret, rule.publicKeyPem, rule.jwksUrl].filter((k) => k !== undefined);
    if (keys.length !== 1) {
      ctx.issues.push({
        code: "custom",
        message: "needs exactly one of secret, publicKeyPem, jwksUrl",
        input: undefined,
      });
      return;
    }
    const symmetric = rule.alg.startsWith("HS");
    if (symmetric !== (rule.secret !== undefined)) {
      ctx.issues.push({
        code: "custom",
        message: symmetric ? `${rule.alg} needs secret` : `${rule.alg} needs publicKeyPem or jwksUrl`,
        input: undefined,
      });
    }
  });

export const HmacRule = closed({
  type: z.literal("hmac"),
  header: nonEmpty.describe("The header carrying the MAC, for example X-Hub-Signature-256."),
  secret: nonEmpty.describe("The shared HMAC key."),
  algorithm: z.enum(["sha256", "sha512", "sha1"]).default("sha256").describe("The hash."),
  encoding: z.enum(["hex", "base64", "base64url"]).default("hex").describe("How the MAC is written in the header."),
  prefix: z.string().default("").describe('A label before the MAC, for example "sha256=" (matched in any letter case).'),
  /** What is signed: `{body}`, or a template with `{timestamp}` and `{id}`. */
  signedContent: z.string().default("{body}").describe("What is signed: {body}, or a template using {timestamp} and {id}, for example {timestamp}.{body}."),
  timestampHeader: z.string().optional().describe("The header {timestamp} comes from; needed when the template uses it."),
  idHeader: z.string().optional().describe("The header {id} comes from; needed when the template uses it."),
  toleranceSeconds: z.number().int().positive().default(300).describe("How far the timestamp may be from now, either way."),
})
  .describe("An HMAC over the exact raw body bytes (or a template of them).")
  .check((ctx) => {
    const rule = ctx.value;
    if (rule.signedContent.includes("{timestamp}") && !rule.timestampHeader) {
      ctx.issues.push({ code: "custom", message: "signedContent uses {timestamp}, so timestampHeader is needed", path: ["timestampHeader"], input: undefined });
    }
    if (rule.signedContent.includes("{id}") && !rule.idHeader) {
      ctx.issues.push({ code: "custom", message: "signedContent uses {id}, so idHeader is needed", path: ["idHeader"], input: undefined });
    }
  });

const WhsecSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a "whsec_..." secret')
  .refine((secret) => decodedLength(secret.slice("whsec_".length)) > 0, "must hold a key after whsec_");

function decodedLength(base64: string): number {
  try {
    return atob(base64).length;
  } catch {
    return 0;
  }
}

export const StandardWebhooksRule = closed({
  type: z.literal("standard-webhooks"),
  secret: WhsecSecret.describe("The whsec_ secret shared with the sender."),
}).describe("Standard Webhooks: a v1 entry of webhook-signature over id.timestamp.body, timestamp within 300 s.");

export const AuthRule = z.discriminatedUnion("type", [NoneRule, BasicRule, BearerRule, HeaderRule, QueryRule, JwtRule, HmacRule, StandardWebhooksRule]);
export type AuthRule = z.infer<typeof AuthRule>;
export type AuthRuleOf<T extends AuthRule["type"]> = Extract<AuthRule, { type: T }>;

// ---------------------------------------------------------------- sources

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
const MaxNotifications = z.number().int().min(1).max(MAX_NOTIFICATIONS_PER_REQUEST_LIMIT);

/** Durable Objects a strict source's ids are spread over (docs/dedup-and-batches.md says when to raise it). */
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
  /** `kv`: best effort (KV markers); `strict`: exactly one acceptance, through a Durable Object. */
  dedup: z
    .enum(["kv", "strict"])
    .default("kv")
    .describe("kv: best-effort dedup on KV markers; strict: exactly one acceptance, through a Durable Object (docs/dedup-and-batches.md)."),
  /** Strict only: how many Durable Objects share the source's ids. */
  dedupShards: z
    .number()
    .int()
    .min(1)
    .max(MAX_STRICT_DEDUP_SHARDS)
    .optional()
    .describe("strict only: how many Durable Objects share the source's ids. Default 1."),
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
  reconcile: Reconcile.optional(),
}).check((ctx) => {
  const source = ctx.value;
  if (source.reconcile !== undefined && source.provider !== "pix") {
    ctx.issues.push({ code: "custom", message: "only the pix provider takes this", path: ["reconcile"], input: undefined });
  }
  if (source.provider !== "generic") {
    for (const key of ["idPath", "typePath", "eventType"] as const) {
      if (source[key] !== undefined) {
        ctx.issues.push({ code: "custom", message: "only the generic provider takes this", path: [key], input: undefined });
      }
    }
  }
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

// ---------------------------------------------------------------- routes

/**
 * A delivery target. The schema refuses what is refused everywhere (not https, a non-public IP
 * literal); loopback passes here and is then allowed only in local development, which the
 * schema cannot know: `parseConfig` and the admin API check that (see net/targets.ts).
 */
export const TargetUrl = z.string().check((ctx) => {
  const problem = targetUrlProblem(ctx.value, { localDev: true });
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: undefined });
});

export function isAllowedTargetUrl(value: string, localDev = true): boolean {
  return targetUrlProblem(value, { localDev }) === undefined;
}

export const RouteAuth = z.discriminatedUnion("type", [
  NoneRule,
  BasicRule,
  BearerRule,
  closed({ type: z.literal("header"), name: HeaderRule.shape.name, value: nonEmpty.describe("The header's value.") }).describe(
    "Send a named header with this value.",
  ),
]);
export type RouteAuth = z.infer<typeof RouteAuth>;

/** Types are the providers' words (standard-webhooks and generic keep them as sent), so any non-blank text goes. */
const EventGlob = z.string().regex(/^\S+$/, "must be an event type or a glob with *, without spaces");

export const Route = closed({
  id: slug.describe("The route's name: 1-64 characters of a-z, 0-9 and -."),
  events: z.array(EventGlob).min(1).describe('Event types or globs the route takes, for example "bs2.boleto.*"; "*" takes all.'),
  sources: z.array(slug).min(1).optional().describe("Only envelopes from these sources. All sources when absent."),
  filter: RouteFilter.optional(),
  url: TargetUrl.describe("Where envelopes are delivered: https (http only for localhost, 127.0.0.1 or [::1])."),
  method: z.enum(["POST", "PUT", "GET"]).default("POST").describe("GET sends the CloudEvents attributes as ce-* headers and no body."),
  auth: RouteAuth.default({ type: "none" }).describe("How the gateway authenticates to the target."),
  signingSecret: WhsecSecret.optional().describe("A whsec_ secret: each delivery is signed the Standard Webhooks way (webhook-signature)."),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000).describe("How long one attempt may take, in milliseconds (100 to 30000)."),
  /** `cloudevents`: the envelope; `slack`: `{"text": "..."}`, a one-line summary chat webhooks accept. */
  format: z
    .enum(["cloudevents", "slack"])
    .default("cloudevents")
    .describe('What the target receives: "cloudevents", the envelope; "slack", {"text": "..."}, a one-line summary Slack, Teams and Discord webhooks accept.'),
  ...routeGovernance,
}).describe("One internal target and the envelopes it takes.");
export type Route = z.infer<typeof Route>;

// ---------------------------------------------------------------- the whole document

/** Dead letters live this long unless `delivery.deadLetterTtlDays` says otherwise. */
export const DEFAULT_DEAD_LETTER_TTL_DAYS = 14;

export const Delivery = closed({
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(8)
    .describe("Attempts per (envelope, route) before it becomes a dead letter; 8 retry for at least 32 minutes."),
  deadLetterTtlDays: z.number().int().min(1).max(365).default(DEFAULT_DEAD_LETTER_TTL_DAYS).describe("How long dead letters are kept, in days."),
}).describe("Retries and dead letters.");

/** The D1 event log (docs/event-log.md). */
export const EventLog = closed({
  enabled: z.boolean().default(true).describe("Record requests, envelopes and delivery attempts in the D1 event log."),
  retentionDays: z.number().int().min(1).max(365).default(30).describe("How long the event log keeps rows, in days; pruned on a schedule."),
}).describe("The event log: where is my notification.");

/** When operational events fire (docs/event-log.md). */
export const Alerts = closed({
  /** 401 and 403 answers of one source within 10 minutes. */
  refusals: z.number().int().min(1).default(20).describe("hookgate.source.refusing fires when one source's 401 and 403 answers pass this within 10 minutes."),
  /** Consecutive failed attempts of one route. */
  routeFailures: z.number().int().min(1).default(10).describe("hookgate.route.failing fires when one route's consecutive failed attempts pass this."),
}).describe("When hookgate's own operational events fire.");

export const GatewayConfig = closed({
  $schema: z.string().optional().describe("The JSON Schema this file follows, for editors: schema/config.schema.json. Ignored by the gateway."),
  sources: z.record(slug, Source).describe("The providers that call the gateway, by name: the {source} of /hooks/{source}."),
  routes: z.array(Route).default([]).describe("Where envelopes go. Routes added through the admin API come on top."),
  delivery: Delivery.default({ maxAttempts: 8, deadLetterTtlDays: DEFAULT_DEAD_LETTER_TTL_DAYS }),
  eventLog: EventLog.default({ enabled: true, retentionDays: 30 }),
  alerts: Alerts.default({ refusals: 20, routeFailures: 10 }),
  /** Every source's bound unless it sets its own. */
  maxNotificationsPerRequest: MaxNotifications.default(DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST).describe(
    "The most notifications one request may carry (a Pix batch); more is quarantined whole. Sources may set their own.",
  ),
})
  .describe('hookgate\'s config: one JSON document in GATEWAY_CONFIG. Any string may instead be {"secret": "NAME"}, read from that binding.')
  .check((ctx) => {
    const config = ctx.value;
    const seen = new Set<string>();
    config.routes.forEach((route, index) => {
      if (seen.has(route.id)) {
        ctx.issues.push({ code: "custom", message: `duplicate route id "${route.id}"`, path: ["routes", index, "id"], input: undefined });
      }
      seen.add(route.id);
      route.sources?.forEach((name, i) => {
        if (!Object.hasOwn(config.sources, name)) {
          ctx.issues.push({ code: "custom", message: `no source named "${name}"`, path: ["routes", index, "sources", i], input: undefined });
        }
      });
    });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;
