import { timingSafeEqual } from "../auth/timing-safe";
import { CONSOLE_SHELL_PATHS } from "../console";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { isSecureOrLocal } from "../net/loopback";
import { registerCertificateAdmin } from "./certificates";
import { registerDeadLetterAdmin } from "./dead-letters";
import { registerEventTypeAdmin } from "./event-types";
import { registerEventAdmin } from "./events";
import { htmlSafeJsonAnswers } from "./html-safe-json";
import { registerMetricsAdmin } from "./metrics";
import { registerOpenApi } from "./openapi";
import { registerRouteStateAdmin } from "./route-state";
import { registerRouteAdmin } from "./routes";
import { registerSourceAdmin } from "./sources";
import { registerFilterTest } from "./test-filter";
import { registerTransformTest } from "./test-transform";
import { adminTokenProblem } from "./token";

/**
 * `/admin/*`: off (404, the same answer as any unknown path) without `ADMIN_TOKEN`; off with
 * 503 `admin_disabled` when the token is too weak (./token.ts); otherwise
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
 */
export function registerAdmin(app: App): void {
  app.use("/admin/*", htmlSafeJsonAnswers);
  app.use("/admin/*", async (c, next) => {
    const token = c.env.ADMIN_TOKEN;
    if (typeof token !== "string" || token === "") throw new GatewayError("not_found", "no such resource");
    const weak = adminTokenProblem(token);
    if (weak) throw new GatewayError("admin_disabled", weak);
    if (!isSecureOrLocal(new URL(c.req.url))) {
      throw new GatewayError("https_required", "the admin API must be called over https");
    }
    // The console's page, script and stylesheet hold no data; a browser cannot send a bearer
    // header when it navigates. Every view they fetch passes the check below.
    if (c.req.method === "GET" && CONSOLE_SHELL_PATHS.has(c.req.path)) return next();
    const header = c.req.header("authorization") ?? "";
    const presented = /^Bearer +(.+)$/i.exec(header)?.[1] ?? "";
    if (!(await timingSafeEqual(presented, token)) || presented === "") {
      throw new GatewayError("unauthorized", "a valid admin token is required", { "WWW-Authenticate": 'Bearer realm="hookgate-admin"' });
    }
    await next();
  });
  registerOpenApi(app);
  registerFilterTest(app);
  registerTransformTest(app);
  registerRouteAdmin(app);
  registerRouteStateAdmin(app);
  registerSourceAdmin(app);
  registerCertificateAdmin(app);
  registerDeadLetterAdmin(app);
  registerEventAdmin(app);
  registerEventTypeAdmin(app);
  registerMetricsAdmin(app);
}
