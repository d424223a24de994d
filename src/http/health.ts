import type { App } from "./app";

export function registerHealth(app: App): void {
  app.get("/healthz", (c) => c.json({ status: "ok" }));
}
