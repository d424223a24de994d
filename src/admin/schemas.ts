import * as z from "zod";
import { Breaker, Ordered, RateLimit } from "../config/governance";
import { Route, RouteAuth } from "../config/schema";

/**
 * The admin API's bodies and answers. The same schemas validate requests and generate
 * `GET /admin/openapi.json`, so the document cannot drift from what is enforced.
 * A secret field may be a plain string or `{"secret": "NAME"}` naming a wrangler secret.
 */

/**
 * Routes added at run time may name only secrets called `ROUTE_*`. Otherwise whoever holds
 * the admin token could add a route to their own URL carrying a provider's password or the
 * admin token itself, and read it there.
 */
const SecretRef = z.object({ secret: z.string().regex(/^ROUTE_[A-Z0-9_]+$/, "an added route may only name secrets called ROUTE_*") }).strict();
const SecretValue = z.union([z.string().min(1), SecretRef]);

export const AdminRouteAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("basic"), username: z.string().min(1), password: SecretValue }),
  z.object({ type: z.literal("bearer"), token: SecretValue }),
  z.object({ type: z.literal("header"), name: RouteAuth.options[3].shape.name, value: SecretValue }),
]);

const routeFields = {
  url: Route.shape.url,
  /** One event type or glob, as BS2 registers one route per event. */
  event: Route.shape.events.element,
  auth: AdminRouteAuth,
  method: Route.shape.method.unwrap().optional(),
  sources: Route.shape.sources,
  filter: Route.shape.filter,
  transform: Route.shape.transform,
  signingSecret: z.union([Route.shape.signingSecret.unwrap(), SecretRef]).optional(),
  timeoutMs: Route.shape.timeoutMs.unwrap().optional(),
  breaker: z.union([z.literal(false), Breaker]).optional(),
  rateLimit: RateLimit.optional(),
  ordered: Ordered.optional(),
};

/** `id` is optional (generated as `r-…` without it), with the same rule as a config route's id. */
export const CreateRouteBody = z.object({ id: Route.shape.id.optional(), ...routeFields }).strict();
export type CreateRouteBody = z.infer<typeof CreateRouteBody>;

/** A partial update: fields not named are kept (`"filter": null` removes the filter); the merged route is validated as a whole. */
export const UpdateRouteBody = z
  .object({
    ...routeFields,
    filter: Route.shape.filter.unwrap().nullable().describe("The route's filter; null removes it"),
    transform: Route.shape.transform.unwrap().nullable().describe("The route's transform; null removes it"),
  })
  .partial()
  .strict();
export type UpdateRouteBody = z.infer<typeof UpdateRouteBody>;

const Masked = z.union([z.literal("********"), z.object({ secret: z.string() })]);

export const RouteView = z.object({
  id: z.string(),
  origin: z.enum(["config", "admin"]),
  readOnly: z.boolean(),
  url: z.string(),
  events: z.array(z.string()),
  sources: z.array(z.string()).optional(),
  filter: z.record(z.string(), z.unknown()).optional().describe("Only envelopes matching this filter"),
  transform: z.string().optional().describe("The JSONata expression that shapes what this route receives"),
  method: z.enum(["POST", "PUT", "GET"]),
  auth: z.object({
    type: z.string(),
    username: z.string().optional(),
    name: z.string().optional(),
    password: Masked.optional(),
    token: Masked.optional(),
    value: Masked.optional(),
  }),
  signingSecret: Masked.optional(),
  timeoutMs: z.number(),
  breaker: z.union([z.literal(false), z.object({ failures: z.number(), probeSeconds: z.number(), windowSeconds: z.number().optional() })]).optional(),
  rateLimit: z.object({ perSecond: z.number(), concurrency: z.number().optional() }).optional(),
  ordered: z.object({ key: z.string(), shards: z.number().optional(), onHeadFailure: z.enum(["block", "deadletter"]) }).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  state: z
    .enum(["active", "paused", "open"])
    .optional()
    .describe("active; paused by the operator; open: paused by the circuit breaker. Absent when the route's governor could not be read."),
  since: z.string().optional().describe("When the state last changed"),
  reason: z.string().optional().describe("Why, for people"),
  by: z.enum(["operator", "breaker"]).optional().describe("Who changed the state last"),
  parked: z.number().int().optional().describe("Messages parked in the route's governor (paused, open, waiting behind their key), each stored once"),
});
export type RouteView = z.infer<typeof RouteView>;

export const RouteList = z.object({ routes: z.array(RouteView) });

export const UploadCertificateBody = z.object({ certificate: z.string().min(1).describe("An X.509 certificate, PEM or base64 DER") }).strict();

/** Optional; an empty body is `{}`. */
export const ReplayBody = z
  .object({
    route: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/)
      .optional()
      .describe("Deliver to this route instead (a delivery or unrouted dead letter)"),
  })
  .strict();

export const DeadLetterQuery = z
  .object({
    source: z.string().optional(),
    route: z.string().optional(),
    kind: z.enum(["delivery", "unrouted", "quarantine"]).optional(),
    reason: z.string().optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    q: z.string().min(1).optional().describe("An envelope id, a subject or a dead-letter id, exactly"),
    cursor: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const DeadLetterPageView = z.object({
  deadLetters: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["delivery", "unrouted", "quarantine"]),
      source: z.string(),
      routeId: z.string().optional(),
      reason: z.string(),
      createdAt: z.string(),
      envelopeId: z.string().optional(),
      type: z.string().optional(),
      subject: z.string().optional(),
      lastStatus: z.number().int().optional(),
      attempts: z.number().int().describe("How many delivery attempts were made"),
    }),
  ),
  cursor: z.string().optional(),
});

export const ReplayAnswer = z.object({
  status: z.literal("replaying"),
  id: z.string(),
  ids: z.array(z.string()).describe("Envelope ids sent again"),
  routes: z.array(z.string()).describe("Routes the envelope was sent to"),
});

export const ErrorAnswer = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  requestId: z.string(),
});

export const SourceView = z.object({
  name: z.string(),
  provider: z.string(),
  methods: z.array(z.string()).optional(),
  auth: z.array(z.object({ type: z.string() })).describe("Rule types only; never a credential"),
  mtls: z
    .object({
      fingerprintsSha256: z.array(z.string()).describe("Pinned in the config"),
      uploadedFingerprintsSha256: z.array(z.string()).describe("Pinned by certificate upload"),
      issuerDn: z.string().optional(),
      subjectDn: z.string().optional(),
    })
    .optional(),
  ipAllow: z.array(z.string()).optional(),
  onInvalid: z.enum(["quarantine", "reject"]),
  maxBodyBytes: z.number(),
  confirm: z.object({ baseUrl: z.string() }).optional().describe("Confirm-by-fetch: the provider API read before delivery; never its token"),
});
export type SourceView = z.infer<typeof SourceView>;

export const SourceList = z.object({ sources: z.array(SourceView) });
