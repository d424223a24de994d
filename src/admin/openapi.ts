import * as z from "zod";
import type { App } from "../http/app";
import {
  CreateRouteBody,
  DeadLetterPageView,
  DeadLetterQuery,
  ErrorAnswer,
  ReplayAnswer,
  RouteList,
  RouteView,
  SourceList,
  UpdateRouteBody,
  UploadCertificateBody,
} from "./schemas";

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

let document: Record<string, unknown> | undefined;

export function adminOpenApi(): Record<string, unknown> {
  document ??= {
    openapi: "3.1.0",
    info: {
      title: "hookgate admin API",
      version: "1",
      description: "Routes, client certificates and dead letters. Every call needs `Authorization: Bearer <ADMIN_TOKEN>`.",
    },
    components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    security: [{ adminToken: [] }],
    paths: {
      "/admin/routes": {
        get: { summary: "List routes: config routes (read-only) and added ones", responses: { "200": answer("Routes, secrets masked", RouteList), ...errors } },
        post: {
          summary: "Add a route",
          requestBody: { required: true, content: json(CreateRouteBody, "input") },
          responses: { "201": answer("The route with its id, secrets masked", RouteView), ...errors },
        },
      },
      "/admin/routes/{id}": {
        parameters: [idParam("id", "Route id")],
        put: {
          summary: "Change an added route",
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
          summary: "A page of dead letters and quarantined requests",
          parameters: Object.entries(schema(DeadLetterQuery, "input").properties as Record<string, unknown>).map(([name, s]) => ({
            name,
            in: "query",
            required: false,
            schema: s,
          })),
          responses: { "200": answer("A page; pass cursor to read the next", DeadLetterPageView), ...errors },
        },
      },
      "/admin/dead-letters/{id}/replay": {
        parameters: [idParam("id", "Dead letter id")],
        post: {
          summary: "Deliver a dead letter again (a quarantined request is read again by the current adapter)",
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
