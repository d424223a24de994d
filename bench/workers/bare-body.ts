/**
 * Baseline for (c) and for rejected requests: a bare Hono worker that reads the body and
 * answers 202 JSON. No auth, no parsing, no bindings: what any worker pays per request.
 */
import { Hono } from "hono";

const app = new Hono();

app.post("/hooks/*", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ status: "accepted" }, 202);
});

export default app;
