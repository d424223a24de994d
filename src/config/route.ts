import * as z from "zod";
import { targetUrlProblem } from "../net/targets";
import { RouteFilter } from "../routing/filter";
import { RouteTransform } from "../routing/transform";
import { BasicRule, BearerRule, HeaderRule, NoneRule } from "./auth-rules";
import { closed, nonEmpty, slug, WhsecSecret } from "./closed";
import { routeGovernance } from "./governance";

/**
 * A delivery target. The schema refuses what is refused everywhere (not https, a non-public IP
 * literal); loopback passes here and is then allowed only in local development, which the
 * schema cannot know: `parseConfig` and the admin API check that (see net/targets.ts).
 */
export const TargetUrl = z.string().check((ctx) => {
  const problem = targetUrlProblem(ctx.value, { localDev: true });
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: undefined });
});

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
  transform: RouteTransform.optional(),
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
