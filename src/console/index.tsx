/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import { DeadLetterReason } from "../deadletters/record";
import type { App, AppEnv } from "../http/app";
import { adminGet, passQuery } from "./admin-api";
import { CONSOLE_SCRIPT } from "./assets/script";
import { CONSOLE_STYLE } from "./assets/style";
import { hoursEnding, overviewOf } from "./overview-data";
import { DeadLetterPage, DeadLetterRecord, EventDetail, EventList, Metrics, RoutePage, SourcePage } from "./shapes";
import { DeadLetterView } from "./views/dead-letter";
import { DeadLettersView } from "./views/dead-letters";
import { EventView } from "./views/event";
import { EventsView } from "./views/events";
import { OverviewView } from "./views/overview";
import { renderWithNonce } from "./views/parts";
import { RoutesView } from "./views/routes";
import { Shell } from "./views/shell";
import { SourcesView } from "./views/sources";

/**
 * The operator console (docs/contract.md §9). The shell, its script and its stylesheet hold no data
 * and are served without the admin token; `/admin/*`'s guard lets exactly these three paths
 * through (and still answers 404 when ADMIN_TOKEN is unset). Every view under
 * `/admin/console/views/` is an admin call like any other, refused without the token.
 */
export const CONSOLE_SHELL_PATHS: ReadonlySet<string> = new Set(["/admin/console", "/admin/console/app.js", "/admin/console/app.css"]);

export const NONCE_HEADER = "X-Console-Nonce";

/** The source name the gateway's own operational events are logged under (docs/contract.md §8.2). */
const OPERATIONAL_SOURCE_NAME = "hookgate";

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  // No form ever navigates: the script sends each one. A form sent without it is blocked, so a
  // token typed into the sign-in form can never leave in a URL.
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function secured(c: Context<AppEnv>): void {
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
  c.header("Cache-Control", "no-store");
}

/**
 * A rendered view; JSX has escaped every value in it. The page itself starts with its doctype.
 * A view carries a fresh nonce on its own forms and buttons, and in `X-Console-Nonce`: the page's
 * script acts on nothing else (see renderWithNonce).
 */
async function html(c: Context<AppEnv>, node: JSX.Element, options: { page?: boolean } = {}): Promise<Response> {
  secured(c);
  if (options.page) return c.html(`<!doctype html>${await node.toString()}`);
  const nonce = crypto.randomUUID();
  c.header(NONCE_HEADER, nonce);
  return c.html(renderWithNonce(node, nonce));
}

export function registerConsole(app: App): void {
  // Browsers ask for it on every load; nothing to show, and no 404 in the log.
  app.get("/favicon.ico", (c) => c.body(null, 204, { "Cache-Control": "max-age=86400" }));
  app.get("/admin/console", (c) => html(c, <Shell />, { page: true }));
  app.get("/admin/console/app.js", (c) => {
    secured(c);
    return c.body(CONSOLE_SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get("/admin/console/app.css", (c) => {
    secured(c);
    return c.body(CONSOLE_STYLE, 200, { "Content-Type": "text/css; charset=utf-8" });
  });

  app.get("/admin/console/views/overview", async (c) => {
    const now = new Date();
    const hours = hoursEnding(now, 24);
    const range = `since=${encodeURIComponent(hours[0]!)}&until=${encodeURIComponent(now.toISOString())}`;
    const [metrics, operational] = await Promise.all([
      adminGet(app, c, `/admin/metrics?${range}&bucket=hour`, Metrics),
      adminGet(app, c, `/admin/events?source=${OPERATIONAL_SOURCE_NAME}&limit=10`, EventList),
    ]);
    if (!metrics.ok) return passOn(c, metrics.response);
    if (!operational.ok) return passOn(c, operational.response);
    return html(c, <OverviewView data={overviewOf(metrics.data, hours, operational.data.events)} />);
  });

  app.get("/admin/console/views/events", async (c) => {
    const { query, values } = passQuery(c, ["q", "source", "type", "state", "since", "until", "cursor"]);
    const list = await adminGet(app, c, `/admin/events${query}`, EventList);
    if (!list.ok) return passOn(c, list.response);
    const config = c.get("config");
    const sources = [...Object.keys(config.sources), OPERATIONAL_SOURCE_NAME];
    return html(c, <EventsView list={list.data} search={values} sources={sources} maxAttempts={config.delivery.maxAttempts} now={Date.now()} />);
  });

  app.get("/admin/console/views/events/:id", async (c) => {
    const id = c.req.param("id");
    const detail = await adminGet(app, c, `/admin/events/${encodeURIComponent(id)}`, EventDetail);
    if (!detail.ok) return passOn(c, detail.response);
    const maxAttempts = c.get("config").delivery.maxAttempts;
    return html(c, <EventView id={id} detail={detail.data} reveal={c.req.query("reveal") === "1"} maxAttempts={maxAttempts} now={Date.now()} />);
  });

  app.get("/admin/console/views/dead-letters/:id", async (c) => {
    const record = await adminGet(app, c, `/admin/dead-letters/${encodeURIComponent(c.req.param("id"))}`, DeadLetterRecord);
    if (!record.ok) return passOn(c, record.response);
    return html(c, <DeadLetterView record={record.data} reveal={c.req.query("reveal") === "1"} />);
  });

  app.get("/admin/console/views/dead-letters", async (c) => {
    const { query, values } = passQuery(c, ["q", "source", "route", "kind", "reason", "since", "until", "cursor"]);
    const [page, routes] = await Promise.all([adminGet(app, c, `/admin/dead-letters${query}`, DeadLetterPage), adminGet(app, c, "/admin/routes", RoutePage)]);
    if (!page.ok) return passOn(c, page.response);
    if (!routes.ok) return passOn(c, routes.response);
    const config = c.get("config");
    return html(
      c,
      <DeadLettersView
        page={page.data}
        filter={values}
        sources={Object.keys(config.sources)}
        routes={routes.data.routes.map((r) => r.id)}
        reasons={DeadLetterReason.options}
      />,
    );
  });

  app.get("/admin/console/views/routes", async (c) => {
    const routes = await adminGet(app, c, "/admin/routes", RoutePage);
    if (!routes.ok) return passOn(c, routes.response);
    return html(c, <RoutesView routes={routes.data.routes} />);
  });

  app.get("/admin/console/views/sources", async (c) => {
    const sources = await adminGet(app, c, "/admin/sources", SourcePage);
    if (!sources.ok) return passOn(c, sources.response);
    return html(c, <SourcesView sources={sources.data.sources} />);
  });
}

/** An admin API error goes to the page as it came (status and error body), with this request's headers. */
async function passOn(c: Context<AppEnv>, response: Response): Promise<Response> {
  secured(c);
  return c.body(await response.text(), response.status as 400, { "Content-Type": response.headers.get("content-type") ?? "application/json" });
}
