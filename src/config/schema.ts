import * as z from "zod";
import { transformRouteProblem } from "../routing/transform";
import { closed, slug } from "./closed";
import { DEFAULT_LEDGER_SHARDS, EventLog, Ledger, SHARD_STORAGE_LIMIT_BYTES } from "./ledger";
import { Route } from "./route";
import { DEFAULT_MAX_NOTIFICATIONS_PER_REQUEST, MaxNotifications, Source } from "./source";

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
 *
 * The schemas live by concern beside this file: closed.ts (closed() and shared pieces),
 * auth-rules.ts, source.ts, route.ts, ledger.ts (the ledger and its event log); this file is
 * the whole document, and re-exports the rest so importers name one module.
 */

export * from "./auth-rules";
export { closed, isAllowedTargetUrl } from "./closed";
export * from "./confirm";
export * from "./ledger";
export * from "./providers";
export * from "./route";
export * from "./source";

/** Dead letters live this long unless `delivery.deadLetterTtlDays` says otherwise. */
export const DEFAULT_DEAD_LETTER_TTL_DAYS = 14;

export const Delivery = closed({
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe("Attempts per (envelope, route) before it becomes a dead letter; 10 at the default schedule retry for at least 26 hours."),
  retrySchedule: z
    .array(z.number().int().min(1).max(86_400))
    .min(1)
    .max(100)
    .optional()
    .describe(
      "Seconds to wait after each failed attempt (the last repeats), each spread over 75-100 %; default [5, 60, 300, 1800, 3600, 10800, 21600, 43200, 43200]. At most 86400 (Queues' limit).",
    ),
  deadLetterTtlDays: z.number().int().min(1).max(365).default(DEFAULT_DEAD_LETTER_TTL_DAYS).describe("How long dead letters are kept, in days."),
}).describe("Retries and dead letters.");

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
  delivery: Delivery.default({ maxAttempts: 10, deadLetterTtlDays: DEFAULT_DEAD_LETTER_TTL_DAYS }),
  eventLog: EventLog.default({ enabled: true, retentionDays: 30 }),
  ledger: Ledger.default({ shards: DEFAULT_LEDGER_SHARDS, shardLimitBytes: SHARD_STORAGE_LIMIT_BYTES }),
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
      const transform = transformRouteProblem(route);
      if (transform) ctx.issues.push({ code: "custom", message: transform, path: ["routes", index, "transform"], input: undefined });
      route.sources?.forEach((name, i) => {
        if (!Object.hasOwn(config.sources, name)) {
          ctx.issues.push({ code: "custom", message: `no source named "${name}"`, path: ["routes", index, "sources", i], input: undefined });
        }
      });
    });
  });
export type GatewayConfig = z.infer<typeof GatewayConfig>;
