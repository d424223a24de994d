import type { JSX } from "hono/jsx/jsx-runtime";
import { describe, expect, it } from "vitest";
import type { RouteItem } from "../../src/console/shapes";
import { RoutesView } from "../../src/console/views/routes";

const render = async (node: JSX.Element) => String(await node.toString());

const route = (id: string, more: Partial<RouteItem>): RouteItem => ({
  id,
  origin: "config",
  readOnly: true,
  url: "https://ledger.example/hooks",
  events: ["*"],
  method: "POST",
  auth: { type: "none" },
  timeoutMs: 10000,
  ...more,
});

describe("the routes view's governed state", () => {
  it("shows each route's state with a Pause button for an active route and Resume for a paused or open one, config routes included", async () => {
    const html = await render(
      RoutesView({
        routes: [
          route("ledger", { state: "active" }),
          route("erp", { state: "paused", since: "2026-05-01T12:00:00.000Z", reason: "paused by the operator", by: "operator" }),
          route("slack", { state: "open", since: "2026-05-01T12:01:00.000Z", reason: "10 failed attempts in a row<b>", by: "breaker" }),
        ],
      }),
    );
    expect(html).toContain('data-api="POST /admin/routes/ledger/pause"');
    expect(html).not.toContain('data-api="POST /admin/routes/ledger/resume"');
    expect(html).toContain('data-api="POST /admin/routes/erp/resume"');
    expect(html).toContain('data-api="POST /admin/routes/slack/resume"');
    expect(html).toContain("open (breaker)");
    expect(html).toContain("since 2026-05-01T12:00:00.000Z");
    expect(html).toContain('title="10 failed attempts in a row&lt;b&gt;"');
  });

  it("offers neither button when the state could not be read", async () => {
    const html = await render(RoutesView({ routes: [route("ledger", {})] }));
    expect(html).toContain("unknown");
    expect(html).not.toContain("/pause");
    expect(html).not.toContain("/resume");
  });
});
