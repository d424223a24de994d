import * as z from "zod";
import { Envelope } from "../envelope";

/**
 * What the console reads from the admin API, as CONTRACT.md §7 and §8 give it. The views are
 * functions of these shapes; an answer that does not fit is shown as an error, not guessed at.
 * Lenient where the contract leaves a field optional, so a richer answer still renders.
 */

const Attempt = z.object({ at: z.string(), status: z.number().optional(), error: z.string().optional(), durationMs: z.number().optional() });

export const EventSummary = z.object({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject: z.string().nullish(),
  time: z.string().nullish(),
  receivedat: z.string(),
  state: z.string(),
  routes: z.record(z.string(), z.string()).default({}),
});
export type EventSummary = z.infer<typeof EventSummary>;

export const EventList = z.object({ events: z.array(EventSummary), cursor: z.string().nullish() });
export type EventList = z.infer<typeof EventList>;

export const EventDetail = z.object({
  event: Envelope.partial().extend({ id: z.string() }),
  state: z.string(),
  requests: z.array(z.object({ requestId: z.string(), at: z.string(), outcome: z.string() })).default([]),
  deliveries: z.array(z.object({ routeId: z.string(), state: z.string(), attempts: z.array(Attempt).default([]) })).default([]),
});
export type EventDetail = z.infer<typeof EventDetail>;

export const DeadLetterItem = z.object({
  id: z.string(),
  kind: z.string(),
  source: z.string(),
  routeId: z.string().nullish(),
  reason: z.string(),
  createdAt: z.string(),
  envelopeId: z.string().nullish(),
  type: z.string().nullish(),
  subject: z.string().nullish(),
  lastStatus: z.number().nullish(),
  attempts: z.union([z.number(), z.array(Attempt)]).nullish(),
  state: z.string().nullish(),
});
export type DeadLetterItem = z.infer<typeof DeadLetterItem>;

export const DeadLetterPage = z.object({ deadLetters: z.array(DeadLetterItem), cursor: z.string().nullish() });
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;

export const RouteItem = z.object({
  id: z.string(),
  origin: z.string(),
  readOnly: z.boolean(),
  url: z.string(),
  events: z.array(z.string()),
  sources: z.array(z.string()).optional(),
  method: z.string(),
  auth: z.object({ type: z.string(), username: z.string().optional(), name: z.string().optional() }).loose(),
  signingSecret: z.unknown().optional(),
  timeoutMs: z.number(),
  format: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type RouteItem = z.infer<typeof RouteItem>;

export const RoutePage = z.object({ routes: z.array(RouteItem) });

export const SourceItem = z.object({
  name: z.string(),
  provider: z.string(),
  methods: z.array(z.string()).optional(),
  auth: z.array(z.object({ type: z.string() })),
  mtls: z
    .object({
      fingerprintsSha256: z.array(z.string()),
      uploadedFingerprintsSha256: z.array(z.string()),
      issuerDn: z.string().optional(),
      subjectDn: z.string().optional(),
    })
    .optional(),
  ipAllow: z.array(z.string()).optional(),
  onInvalid: z.string(),
});
export type SourceItem = z.infer<typeof SourceItem>;

export const SourcePage = z.object({ sources: z.array(SourceItem) });
