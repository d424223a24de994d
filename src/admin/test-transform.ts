import * as z from "zod";
import type { Envelope } from "../envelope";
import { errorBody } from "../errors";
import type { App } from "../http/app";
import { applyTransform } from "../routing/transform";
import { compileTransform, MAX_TRANSFORM_LENGTH } from "../routing/transform-compile";
import { readJson } from "./read-json";
import { pastEnvelope } from "./test-filter";

export const TestTransformBody = z
  .object({
    transform: z.string().max(MAX_TRANSFORM_LENGTH).describe("A JSONata expression, as a route's transform"),
    eventId: z.string().min(1).optional().describe("A past event's envelope id, read from the event log"),
    envelope: z.record(z.string(), z.unknown()).optional().describe("An envelope given whole, instead of eventId"),
  })
  .strict()
  .refine((body) => (body.eventId === undefined) !== (body.envelope === undefined), "give eventId or envelope, one of them");

export const TestTransformAnswer = z
  .object({
    result: z.unknown().optional().describe("What the route would receive (its JSON body)"),
    error: z.string().optional().describe("Why the evaluation failed: the route would keep this envelope as a transform_failed dead letter"),
  })
  .describe("One of result or error");

export const TestTransformRefusal = z.object({
  error: z.object({ code: z.literal("bad_request"), message: z.string() }),
  position: z
    .number()
    .int()
    .optional()
    .describe("Where in the expression it stops parsing (characters from the start); absent when the body itself is invalid"),
  requestId: z.string(),
});

/**
 * `POST /admin/routes/test-transform`: what a route with this transform would receive for a real
 * past event (or an envelope given whole), before the transform is saved. The same compile and
 * budget as deliveries (routing/transform.ts). An expression that does not parse, or uses what
 * transforms refuse, is 400 with its position; one that fails on this envelope is 200 with the
 * error, as the dead letter would say it.
 */
export function registerTransformTest(app: App): void {
  app.post("/admin/routes/test-transform", async (c) => {
    const body = await readJson(c.req.raw, TestTransformBody);
    const compiled = compileTransform(body.transform);
    if (!compiled.ok) {
      const refusal = errorBody("bad_request", `transform: position ${compiled.position}: ${compiled.message}`, c.get("requestId"));
      return c.json({ ...refusal, position: compiled.position }, 400);
    }
    const envelope = (body.envelope as Envelope | undefined) ?? (await pastEnvelope(c.env, c.get("config"), body.eventId ?? ""));
    const outcome = await applyTransform(body.transform, envelope);
    return c.json(outcome.ok ? { result: JSON.parse(outcome.body) as unknown } : { error: outcome.error });
  });
}
