/**
 * The browser tests' world: the Worker under `wrangler dev` on local state in a temporary
 * directory (KV, Queues with their consumers, D1), a target server that the routes deliver
 * to, and a way to send real, authenticated notifications through the ingest URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyLocalMigrations } from "../scripts/lib/local-d1";

/** 8900 to 8902, or HOOKGATE_BROWSER_PORT and the two after it (two checkouts testing side by side). */
const PORT_BASE = Number(process.env.HOOKGATE_BROWSER_PORT ?? 8900);
export const GATEWAY_PORT = PORT_BASE;
const TARGET_PORT = PORT_BASE + 1;
const INSPECTOR_PORT = PORT_BASE + 2;
export const GATEWAY = `http://127.0.0.1:${GATEWAY_PORT}`;
export const ADMIN_TOKEN = "browser-test-admin-token-3f9a1c-6d2e8b";
export const BOLETO_AUTH = `Basic ${Buffer.from("bs2:boleto-test-password").toString("base64")}`;
export const ACME_AUTH = `Basic ${Buffer.from("acme:acme-test-password").toString("base64")}`;
export const OPEN_AUTH = `Basic ${Buffer.from("open:open-test-password").toString("base64")}`;

export const CONFIG = {
  sources: {
    "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "basic", username: "bs2", password: "boleto-test-password" }] },
    acme: { provider: "generic", idPath: "body.id", typePath: "body.type", auth: [{ type: "basic", username: "acme", password: "acme-test-password" }] },
    pix: { provider: "pix", mtls: { fingerprintsSha256: [] }, auth: [{ type: "bearer", token: "pix-test-token" }] },
    // Anyone who can send one notification: its envelope ids are "open:{id}" (issue 19, finding 1).
    open: { provider: "generic", idPath: "body.id", typePath: "body.type", auth: [{ type: "basic", username: "open", password: "open-test-password" }] },
  },
  routes: [
    { id: "ledger", events: ["bs2.boleto.*"], url: `http://127.0.0.1:${TARGET_PORT}/ledger` },
    { id: "erp", events: ["acme.*"], url: `http://127.0.0.1:${TARGET_PORT}/erp` },
    // On-call hears of trouble: the gateway's operational events, which the overview lists.
    { id: "oncall", events: ["hookgate.*"], url: `http://127.0.0.1:${TARGET_PORT}/oncall` },
  ],
  delivery: { maxAttempts: 2 },
};

/** The routes' target: `/ledger` takes everything; `/erp` refuses (400) until told to take. */
export class Target {
  readonly received: { path: string; body: string }[] = [];
  erpAccepts = false;
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "";
        const ok = path !== "/erp" || this.erpAccepts;
        if (ok) this.received.push({ path, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(ok ? 200 : 400, { "content-type": "text/plain" }).end(ok ? "ok" : "no");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(TARGET_PORT, "127.0.0.1", resolve));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export class Gateway {
  private child: ChildProcess | undefined;
  private readonly state = mkdtempSync(join(tmpdir(), "hookgate-browser-"));
  output = "";

  async start(): Promise<void> {
    const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };
    const wrangler = join("node_modules", ".bin", "wrangler");
    const applied = applyLocalMigrations(env, this.state);
    if (!applied.ok) throw new Error(`D1 migrations failed: ${applied.output}`);
    const args = [
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(GATEWAY_PORT),
      "--inspector-port",
      String(INSPECTOR_PORT),
      "--persist-to",
      this.state,
      "--show-interactive-dev-session=false",
      "--var",
      `GATEWAY_CONFIG:${JSON.stringify(CONFIG)}`,
      "--var",
      `ADMIN_TOKEN:${ADMIN_TOKEN}`,
      // Local development: the routes deliver to the target server on 127.0.0.1.
      "--var",
      "LOCAL_DEV:1",
    ];
    this.child = spawn(wrangler, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    this.child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    await waitFor(async () => (await fetch(`${GATEWAY}/healthz`).catch(() => undefined))?.ok === true, 90_000, "wrangler dev to answer /healthz");
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGINT");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(this.state, { recursive: true, force: true });
  }
}

/** Sends a notification through the real ingest URL (a string body goes as it is); answers the gateway's JSON. */
export async function sendNotification(
  source: string,
  auth: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; ids: string[] }> {
  const response = await fetch(`${GATEWAY}/hooks/${source}`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const answer = (await response.json()) as { ids?: string[] };
  return { status: response.status, ids: answer.ids ?? [] };
}

export async function admin<T>(path: string): Promise<T> {
  const response = await fetch(`${GATEWAY}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
