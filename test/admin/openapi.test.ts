import { describe, expect, it } from "vitest";
import { registerAdmin } from "../../src/admin";
import { createApp } from "../../src/http/app";
import { adminClient } from "./client";

type Doc = { paths: Record<string, Record<string, unknown>> };

describe("the OpenAPI document covers the admin API", () => {
  it("has every admin route registered in the app, method by method", async () => {
    // The admin routes are the ones registerAdmin adds (src/index.ts calls it on the worker's app).
    const app = createApp();
    registerAdmin(app);
    const registered = app.routes
      .filter((r) => r.path.startsWith("/admin/") && r.method !== "ALL")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`);
    expect(registered).toContain("get /admin/dead-letters/{id}");
    expect(registered.length).toBeGreaterThanOrEqual(8);

    const doc = await (await adminClient().admin("GET", "/admin/openapi.json")).json<Doc>();
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => key !== "parameters")
        .map((method) => `${method} ${path}`),
    );
    expect(registered.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !registered.includes(route))).toEqual([]);
  });
});
