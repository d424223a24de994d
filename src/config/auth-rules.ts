import * as z from "zod";
import { closed, isAllowedTargetUrl, nonEmpty, WhsecSecret } from "./closed";
import { AsaasRule, MercadoPagoRule, PagarmeRule, PagBankRule, StarkBankRule } from "./provider-auth-rules";

export * from "./provider-auth-rules";

/** A source's auth rules: any one passing authenticates (docs/auth.md). */

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

export const StandardWebhooksRule = closed({
  type: z.literal("standard-webhooks"),
  secret: WhsecSecret.describe("The whsec_ secret shared with the sender."),
}).describe("Standard Webhooks: a v1 entry of webhook-signature over id.timestamp.body, timestamp within 300 s.");

export const AuthRule = z.discriminatedUnion("type", [
  NoneRule,
  BasicRule,
  BearerRule,
  HeaderRule,
  QueryRule,
  JwtRule,
  HmacRule,
  StandardWebhooksRule,
  MercadoPagoRule,
  AsaasRule,
  PagBankRule,
  StarkBankRule,
  PagarmeRule,
]);
export type AuthRule = z.infer<typeof AuthRule>;
export type AuthRuleOf<T extends AuthRule["type"]> = Extract<AuthRule, { type: T }>;
