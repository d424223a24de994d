import { adminOpenApi } from "../../admin/openapi";
import type { App } from "../app";

export function registerOpenApi(app: App): void {
  app.get("/admin/openapi.json", (c) => c.json(adminOpenApi()));
}
