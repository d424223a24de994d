import * as z from "zod";
import { BulkReplayAnswer, BulkReplayBody } from "../deadletters/bulk";
import { DeadLetter } from "../deadletters/record";
import type { App } from "../http/app";
import { EventDetail, EventPage, EventQuery, RedeliverAnswer, RedeliverBody } from "../ledger/schema";
import { MetricsAnswer, MetricsQuery } from "../observability/schema";
import { EventTypeDetail, EventTypeList } from "./event-types";
import {
  CreateRouteBody,
  DeadLetterPageView,
  DeadLetterQuery,
  ErrorAnswer,
  ReplayAnswer,
  ReplayBody,
  RouteList,
  RouteView,
  SourceList,
  UpdateRouteBody,
  UploadCertificateBody,
} from "./schemas";
import { TestFilterAnswer, TestFilterBody } from "./test-filter";
import { TestTransformAnswer, TestTransformBody, TestTransformRefusal } from "./test-transform";

/**
 * The admin API as OpenAPI 3.1, generated from the zod schemas that validate it.
 * OpenAPI 3.1 speaks JSON Schema 2020-12, which is what `z.toJSONSchema` writes.
 */
const schema = (s: z.ZodType, io: "input" | "output" = "output") => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

const json = (s: z.ZodType, io: "input" | "output" = "output") => ({ "application/json": { schema: schema(s, io) } });
const answer = (description: string, s?: z.ZodType) => (s ? { description, content: json(s) } : { description });
const errors = {
  "400": answer("The body or query is invalid; the message names the field", ErrorAnswer),
  "401": answer("Missing or wrong admin token", ErrorAnswer),
};
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, schema: { type: "string" }, description });

const queryParameters = (s: z.ZodType) =>
  Object.entries(schema(s, "input").properties as Record<string, unknown>).map(([name, property]) => ({
    name,
    in: "query",
    required: false,
    schema: property,
  }));

let document: Record<string, unknown> | undefined;

export function adminOpenApi(): Record<string, unknown> {
  document ??= {
    openapi: "3.1.0",
    info: {
      title: "hookgate admin API",
      version: "1",
      description: "Routes, client certificates, dead letters, the event log and metrics. Every call needs `Authorization: Bearer <ADMIN_TOKEN>`.",
    },
    components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    security: [{ adminToken: [] }],
    paths: {
      "/admin/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" }, ...errors } } },
      "/admin/routes": {
        get: { summary: "List routes: config routes (read-only) and added ones", responses: { "200": answer("Routes, secrets masked", RouteList), ...errors } },
        post: {
          summary: "Add a route, with the id given (a-z, 0-9, -) or a generated one",
          requestBody: { required: true, content: json(CreateRouteBody, "input") },
          responses: { "201": answer("The route with its id, secrets masked", RouteView), "409": answer("The id is taken", ErrorAnswer), ...errors },
        },
      },
      "/admin/routes/test-filter": {
        post: {
          summary: "Try a route filter on a past event (eventId) or on an envelope given whole: whether it matches, and why not",
          requestBody: { required: true, content: json(TestFilterBody, "input") },
          responses: {
            "200": answer("Whether the filter matches, with the reasons it does not", TestFilterAnswer),
            "404": answer("No such event, or the event log is off", ErrorAnswer),
            "409": answer("The envelope is no longer kept", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/routes/test-transform": {
        post: {
          summary: "Try a route transform on a past event (eventId) or on an envelope given whole: what the route would receive, or why the evaluation failed",
          requestBody: { required: true, content: json(TestTransformBody, "input") },
          responses: {
            "200": answer("The result the route would receive, or the evaluation's error", TestTransformAnswer),
            ...errors,
            "400": answer(
              "The body is invalid; or the expression does not parse, or uses what transforms refuse: then position says where",
              TestTransformRefusal,
            ),
            "404": answer("No such event, or the event log is off", ErrorAnswer),
            "409": answer("The envelope is no longer kept", ErrorAnswer),
          },
        },
      },
      "/admin/event-types": {
        get: {
          summary: "The event-type catalog: every type the adapters make, with their providers",
          responses: { "200": answer("The types", EventTypeList), ...errors },
        },
      },
      "/admin/event-types/{type}": {
        parameters: [idParam("type", "An event type, e.g. bs2.boleto.settled or pix.refund.DEVOLVIDO (or a catalog glob, pix.refund.*)")],
        get: {
          summary: "One event type: the JSON Schema of its data and an example envelope",
          responses: { "200": answer("The type", EventTypeDetail), "404": answer("Not in the catalog", ErrorAnswer), ...errors },
        },
      },
      "/admin/routes/{id}": {
        parameters: [idParam("id", "Route id")],
        get: {
          summary: "One route (config or added), secrets masked, with its state: active, paused (by the operator) or open (by the breaker)",
          responses: { "200": answer("The route", RouteView), "404": answer("No such route", ErrorAnswer), ...errors },
        },
        put: {
          summary: "Change an added route: fields not named are kept, the merged route is validated whole",
          description: "A url on another origin must come with auth (and signingSecret, when the route has one) in the same request: 400 otherwise.",
          requestBody: { required: true, content: json(UpdateRouteBody, "input") },
          responses: {
            "200": answer("The route", RouteView),
            "404": answer("No such route", ErrorAnswer),
            "409": answer("A config route is read-only", ErrorAnswer),
            ...errors,
          },
        },
        delete: {
          summary: "Delete an added route",
          responses: {
            "204": answer("Deleted"),
            "404": answer("No such route", ErrorAnswer),
            "409": answer("A config route is read-only", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/routes/{id}/pause": {
        parameters: [idParam("id", "Route id")],
        post: {
          summary: "Pause a route: no attempt is made and none used up; its messages wait (up to 14 days) until it is resumed",
          responses: {
            "204": answer("Paused (pausing a paused route changes nothing)"),
            "404": answer("No such route", ErrorAnswer),
            "503": answer("The route's governor could not be reached; retry", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/routes/{id}/resume": {
        parameters: [idParam("id", "Route id")],
        post: {
          summary: "Resume a paused or open route: waiting messages are delivered within its rate limit, starting within seconds",
          responses: {
            "204": answer("Active again"),
            "404": answer("No such route", ErrorAnswer),
            "503": answer("The route's governor could not be reached; retry", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/sources": {
        get: {
          summary: "List configured sources: provider, auth rule types, mTLS pins (read-only)",
          responses: { "200": answer("Sources", SourceList), ...errors },
        },
      },
      "/admin/sources/{source}/certificates": {
        parameters: [idParam("source", "Source name")],
        post: {
          summary: "Pin a client certificate's SHA-256 fingerprint for a source with mtls",
          requestBody: { required: true, content: json(UploadCertificateBody, "input") },
          responses: {
            "204": answer("Pinned"),
            "404": answer("No such source", ErrorAnswer),
            "409": answer("The source has no mtls block", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/dead-letters": {
        get: {
          summary: "A page of dead letters and quarantined requests, newest first; an unknown parameter is a 400",
          parameters: queryParameters(DeadLetterQuery),
          responses: { "200": answer("A page; pass cursor to read the next", DeadLetterPageView), ...errors },
        },
      },
      "/admin/dead-letters/replay": {
        post: {
          summary: "Replay every dead letter matching a filter, each once; the work is spread over queue messages",
          parameters: [
            { name: "cursor", in: "query", required: false, schema: { type: "string" }, description: "From an earlier answer that had more to list" },
          ],
          requestBody: { required: true, content: json(BulkReplayBody, "input") },
          responses: { "202": answer("How many were queued for replay", BulkReplayAnswer), ...errors },
        },
      },
      "/admin/events": {
        get: {
          summary: "Search the event log, newest first",
          parameters: queryParameters(EventQuery),
          responses: {
            "200": answer("A page of events; pass cursor to read older ones", EventPage),
            "404": answer("The event log is off", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/events/{id}": {
        parameters: [idParam("id", "Envelope id")],
        get: {
          summary: "One event: its envelope, state, the requests that carried it and every delivery attempt",
          responses: { "200": answer("The event's timeline", EventDetail), "404": answer("No such event", ErrorAnswer), ...errors },
        },
      },
      "/admin/events/{id}/redeliver": {
        parameters: [idParam("id", "Envelope id")],
        post: {
          summary: "Send an event again to its routes (or the routes named); new attempts join its timeline",
          requestBody: { required: false, content: json(RedeliverBody, "input") },
          responses: {
            "202": answer("Queued again", RedeliverAnswer),
            "404": answer("No such event", ErrorAnswer),
            "409": answer("The envelope is no longer kept", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/metrics": {
        get: {
          summary: "Counts per minute or hour: answers per source and outcome, deliveries per route, receipt-to-delivery latency",
          parameters: queryParameters(MetricsQuery),
          responses: {
            "200": {
              description: "Buckets, oldest first; or the Prometheus text format 0.0.4",
              content: { ...json(MetricsAnswer), "text/plain; version=0.0.4": { schema: { type: "string" } } },
            },
            "404": answer("The event log is off", ErrorAnswer),
            ...errors,
          },
        },
      },
      "/admin/dead-letters/{id}": {
        parameters: [idParam("id", "Dead letter id")],
        get: {
          summary: "One dead letter or quarantined request, whole",
          responses: { "200": answer("The record", DeadLetter), "404": answer("No such dead letter", ErrorAnswer), ...errors },
        },
      },
      "/admin/dead-letters/{id}/replay": {
        parameters: [idParam("id", "Dead letter id")],
        post: {
          summary: "Deliver a dead letter again (a quarantined request is read again by the current adapter)",
          requestBody: { required: false, content: json(ReplayBody, "input") },
          responses: {
            "202": answer("Sent again", ReplayAnswer),
            "404": answer("No such dead letter", ErrorAnswer),
            "409": answer("A replay is under way, or it still cannot be delivered", ErrorAnswer),
            ...errors,
          },
        },
      },
    },
  };
  return document;
}

export function registerOpenApi(app: App): void {
  app.get("/admin/openapi.json", (c) => c.json(adminOpenApi()));
}
