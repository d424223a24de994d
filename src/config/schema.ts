import * as z from "zod";
import { reservedNamespaceOf } from "../adapters/reserved";
import { isValidCidr } from "../net/ip";
import { targetUrlProblem } from "../net/targets";

/**
 * The gateway's configuration, as CONTRACT.md section 2 describes it.
 *
 * These schemas validate the document *after* `{"secret": "NAME"}` references were
 * replaced by the secrets' values (see ./secrets.ts), so every secret field is a plain
 * string here. Messages never echo a received value: zod 4's defaults do not, and the
 * custom ones below only name what was expected.
 */

const slug = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be 1-64 characters of a-z, 0-9 and -");

const nonEmpty = z.string().min(1, "must not be empty");

export const HttpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);
export type HttpMethod = z.infer<typeof HttpMethod>;

export const ProviderName = z.enum(["generic", "standard-webhooks", "ns-bpe", "bs2-boleto", "bs2-spi", "pix", "bmp"]);
export type ProviderName = z.infer<typeof ProviderName>;

// ---------------------------------------------------------------- source auth rules

export const NoneRule = z.object({ type: z.literal("none") });

export const BasicRule = z.object({
  type: z.literal("basic"),
  // RFC 7617: the user-id cannot contain a colon (the password may).
  username: nonEmpty.refine((u) => !u.includes(":"), "must not contain ':'"),
  password: nonEmpty,
});

export const BearerRule = z.object({ type: z.literal("bearer"), token: nonEmpty });

export const HeaderRule = z.object({
  type: z.literal("header"),
  name: z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name"),
  value: nonEmpty,
  prefix: z.string().optional(),
});

export const QueryRule = z.object({ type: z.literal("query"), name: nonEmpty, value: nonEmpty });

export const JwtAlgorithm = z.enum(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]);
export type JwtAlgorithm = z.infer<typeof JwtAlgorithm>;

export const JwtRule = z
  .object({
    type: z.literal("jwt"),
    alg: JwtAlgorithm,
    secret: nonEmpty.optional(),
    publicKeyPem: nonEmpty.optional(),
    jwksUrl: z
      .url({ protocol: /^https$/, error: "must be an https URL" })
      .refine((url) => isAllowedTargetUrl(url, false), "must not be a loopback or non-public address")
      .optional(),
    issuer: z.string().optional(),
    /** One audience the token's `aud` must contain. */
    audience: z.string().min(1).optional(),
    /** Tokens without `exp` are refused unless this is set; then `iat` must be at most this old. */
    maxTokenAgeSeconds: z.number().int().min(1).max(86_400).optional(),
    /** Header carrying the token; `Authorization` (default) expects `Bearer <jwt>`. */
    header: z.string().default("Authorization"),
  })
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

export const HmacRule = z
  .object({
    type: z.literal("hmac"),
    header: nonEmpty,
    secret: nonEmpty,
    algorithm: z.enum(["sha256", "sha512", "sha1"]).default("sha256"),
    encoding: z.enum(["hex", "base64", "base64url"]).default("hex"),
    prefix: z.string().default(""),
    /** What is signed: `{body}`, or a template with `{timestamp}` and `{id}`. */
    signedContent: z.string().default("{body}"),
    timestampHeader: z.string().optional(),
    idHeader: z.string().optional(),
    toleranceSeconds: z.number().int().positive().default(300),
  })
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

export const StandardWebhooksRule = z.object({
  type: z.literal("standard-webhooks"),
  secret: WhsecSecret,
});

export const AuthRule = z.discriminatedUnion("type", [NoneRule, BasicRule, BearerRule, HeaderRule, QueryRule, JwtRule, HmacRule, StandardWebhooksRule]);
export type AuthRule = z.infer<typeof AuthRule>;
export type AuthRuleOf<T extends AuthRule["type"]> = Extract<AuthRule, { type: T }>;

// ---------------------------------------------------------------- sources

export const MtlsPins = z.object({
  fingerprintsSha256: z
    .array(
      z.string().refine((f) => /^[0-9a-f]{64}$/.test(f.replace(/[:\s]/g, "").toLowerCase()), "must be a SHA-256 fingerprint: 64 hex digits, colons allowed"),
    )
    .default([]),
  issuerDn: z.string().trim().min(1).optional(),
  subjectDn: z.string().trim().min(1).optional(),
});
export type MtlsPins = z.infer<typeof MtlsPins>;

const Cidr = z.string().refine(isValidCidr, "must be an IPv4 or IPv6 address or CIDR range");

/** Dotted path into the request: `body.a.b`, `query.name` or `headers.name`. */
const RequestPath = z.string().regex(/^(body|query|headers)\.[^.]+(\.[^.]+)*$/, 'must start with "body.", "query." or "headers."');

/**
 * A quarantined request keeps its body as base64 (4/3 of it, under 14 MB at this limit) in
 * one KV value of at most 25 MiB: the quarantine write, the last resort, always fits.
 */
export const MAX_BODY_BYTES_LIMIT = 10 * 1024 * 1024;

/** A request carries at most this many notifications unless the config says otherwise (CONTRACT.md §10). */
export const DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST = 1000;
/** The ceiling a config may set: ingest's binding operations grow by about one per 50 notifications (docs/limits.md). */
export const MAX_NOTIFICATIONS_PER_REQUEST_LIMIT = 10_000;
const MaxNotifications = z.number().int().min(1).max(MAX_NOTIFICATIONS_PER_REQUEST_LIMIT);

/** Durable Objects a strict source's ids are spread over (docs/dedup-and-batches.md says when to raise it). */
export const MAX_STRICT_DEDUP_SHARDS = 32;

const PspUrl = z.string().refine(isAllowedTargetUrl, "must be an https URL (http only for localhost, 127.0.0.1 or [::1])");

/**
 * Pix reconciliation (CONTRACT.md §11): where the PSP's Banco Central Pix API is and how to
 * get a token. The defaults are Banco Central's and RFC 6749's; the options cover what PSPs
 * do differently (see docs/pix.md).
 */
export const Reconcile = z.object({
  baseUrl: PspUrl,
  tokenUrl: PspUrl,
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  /** A Workers `mtls_certificates` binding: every call to the PSP presents it. */
  certificate: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a binding name")
    .optional(),
  everyMinutes: z.number().int().min(1).max(1440).default(10),
  windowMinutes: z.number().int().min(1).max(10_080).default(120),
  /** Space-separated scopes asked for; "" asks for none (the PSP grants what the application has). */
  scope: z.string().default("pix.read"),
  /** Client credentials in an `Authorization: Basic` header (RFC 6749 §2.3.1), or as body fields. */
  tokenAuth: z.enum(["basic", "body"]).default("basic"),
  /** The token request's body: form-urlencoded (RFC 6749), or JSON (Efí). */
  tokenFormat: z.enum(["form", "json"]).default("form"),
  /** Extra query parameters on every API call (Banco do Brasil's gw-dev-app-key). */
  query: z.record(z.string().min(1), z.string()).default({}),
  itemsPerPage: z.number().int().min(1).max(1000).default(100),
  maxPagesPerRun: z.number().int().min(1).max(50).default(5),
});
export type Reconcile = z.infer<typeof Reconcile>;

export const Source = z
  .object({
    provider: ProviderName,
    methods: z.array(HttpMethod).min(1).optional(),
    auth: z.array(AuthRule).min(1, 'must list at least one rule; a public source says [{"type":"none"}]'),
    mtls: MtlsPins.optional(),
    ipAllow: z.array(Cidr).min(1).optional(),
    dedupTtlSeconds: z.number().int().min(60, "must be at least 60").optional(),
    /** `kv`: best effort (KV markers); `strict`: exactly one acceptance, through a Durable Object. */
    dedup: z.enum(["kv", "strict"]).default("kv"),
    /** Strict only: how many Durable Objects share the source's ids. */
    dedupShards: z.number().int().min(1).max(MAX_STRICT_DEDUP_SHARDS).optional(),
    /** A request carrying more is quarantined whole; default: the gateway's `maxNotificationsPerRequest`. */
    maxNotificationsPerRequest: MaxNotifications.optional(),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .max(MAX_BODY_BYTES_LIMIT)
      .default(1024 * 1024),
    onInvalid: z.enum(["quarantine", "reject"]).default("quarantine"),
    idPath: RequestPath.optional(),
    typePath: RequestPath.optional(),
    eventType: z.string().min(1).optional(),
    reconcile: Reconcile.optional(),
  })
  .check((ctx) => {
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
  z.object({ type: z.literal("header"), name: HeaderRule.shape.name, value: nonEmpty }),
]);
export type RouteAuth = z.infer<typeof RouteAuth>;

/** Types are the providers' words (standard-webhooks and generic keep them as sent), so any non-blank text goes. */
const EventGlob = z.string().regex(/^\S+$/, "must be an event type or a glob with *, without spaces");

export const Route = z.object({
  id: slug,
  events: z.array(EventGlob).min(1),
  sources: z.array(slug).min(1).optional(),
  url: TargetUrl,
  method: z.enum(["POST", "PUT", "GET"]).default("POST"),
  auth: RouteAuth.default({ type: "none" }),
  signingSecret: WhsecSecret.optional(),
  timeoutMs: z.number().int().min(100).max(30_000).default(10_000),
  /** `cloudevents`: the envelope; `slack`: `{"text": "..."}`, a one-line summary chat webhooks accept. */
  format: z.enum(["cloudevents", "slack"]).default("cloudevents"),
});
export type Route = z.infer<typeof Route>;

// ---------------------------------------------------------------- the whole document

/** Dead letters live this long unless `delivery.deadLetterTtlDays` says otherwise. */
export const DEFAULT_DEAD_LETTER_TTL_DAYS = 14;

export const Delivery = z.object({
  maxAttempts: z.number().int().min(1).max(100).default(8),
  deadLetterTtlDays: z.number().int().min(1).max(365).default(DEFAULT_DEAD_LETTER_TTL_DAYS),
});

/** The D1 event log (docs/event-log.md). */
export const EventLog = z.object({
  enabled: z.boolean().default(true),
  retentionDays: z.number().int().min(1).max(365).default(30),
});

/** When operational events fire (docs/event-log.md). */
export const Alerts = z.object({
  /** 401 and 403 answers of one source within 10 minutes. */
  refusals: z.number().int().min(1).default(20),
  /** Consecutive failed attempts of one route. */
  routeFailures: z.number().int().min(1).default(10),
});

export const GatewayConfig = z
  .object({
    sources: z.record(slug, Source),
    routes: z.array(Route).default([]),
    delivery: Delivery.default({ maxAttempts: 8, deadLetterTtlDays: DEFAULT_DEAD_LETTER_TTL_DAYS }),
    eventLog: EventLog.default({ enabled: true, retentionDays: 30 }),
    alerts: Alerts.default({ refusals: 20, routeFailures: 10 }),
    /** Every source's bound unless it sets its own. */
    maxNotificationsPerRequest: MaxNotifications.default(DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST),
  })
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
