/**
 * `npm run bench:steps`: the fixed path of a refused request (a wrong HMAC signature, 401), step
 * by step, each timed alone in Node's V8 (inside workerd the clock stands still while code runs;
 * bench:filter does the same). The runtime's own parts (Request, Response, WebCrypto, body
 * reads) are Node's here, not workerd's: the figures for those say what they are in Node, and
 * `npm run bench:profile -- --rejected` shows them inside workerd. Prints µs per step.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { Hono } from "hono";
import { readCommandLine } from "../scripts/lib/args";
import { loadConfig } from "../src/config/load";
import { errorBody, GatewayError } from "../src/errors";
import { createApp } from "../src/http/app";
import { registerHooks } from "../src/http/hooks";
import { parseHookPath } from "../src/ingest/pipeline";
import { sourceRuntime } from "../src/ingest/source-runtime";
import { log } from "../src/log";
import { isSecureOrLocal } from "../src/net/loopback";
import { count, countAnswer } from "../src/observability/metrics";
import { benchConfig, HMAC_SECRET } from "./lib/config";

const N = Number(process.env.STEPS_N ?? 20_000) || 20_000;
const env = { GATEWAY_CONFIG: benchConfig("http://127.0.0.1:9/events"), LOCAL_DEV: "1" } as Record<string, unknown>;
const URL_TEXT = "http://127.0.0.1:8787/hooks/bench-hmac";
const BODY = JSON.stringify({ id: "evt-1", amount: 12_590, currency: "BRL", note: "x".repeat(200) });
const wrongSignature = createHmac("sha256", `${HMAC_SECRET}-wrong`).update(BODY).digest("hex");

/** The best of five runs of N / 5: on a shared machine the other engineers' work only ever adds time. */
async function time(name: string, step: () => unknown): Promise<[string, number]> {
  for (let i = 0; i < N / 10; i++) await step(); // warm-up: the JIT settles
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (let i = 0; i < N / 5; i++) await step();
    best = Math.min(best, ((performance.now() - started) * 1000) / (N / 5));
  }
  return [name, best];
}

async function main(): Promise<void> {
  // workerd's extension to WebCrypto, which the HMAC check uses; Node's own stands in.
  Object.assign(crypto.subtle, { timingSafeEqual: (a: ArrayBufferView, b: ArrayBufferView) => timingSafeEqual(a, b) });
  const quiet = console.log;
  const config = loadConfig(env);
  if (!config.ok) throw new Error(config.problems.join("; "));
  const runtime = sourceRuntime(config.config, "bench-hmac", { fetch })!;
  const headers = new Headers({ "x-signature": wrongSignature, "content-type": "application/json" });
  const body = new TextEncoder().encode(BODY);
  const hooks = createApp();
  registerHooks(hooks);
  const bare = new Hono();
  bare.post("/hooks/*", async (c) => c.json({ status: "accepted", bytes: (await c.req.arrayBuffer()).byteLength }, 202));
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  const request = () => new Request(URL_TEXT, { method: "POST", headers, body: BODY });

  const rows: [string, number][] = [];
  rows.push(await time("loadConfig (cached)", () => loadConfig(env)));
  rows.push(await time("new URL + https check", () => isSecureOrLocal(new URL(URL_TEXT))));
  rows.push(await time("parseHookPath", () => parseHookPath("/hooks/bench-hmac")));
  rows.push(await time("sourceRuntime (compiled once)", () => sourceRuntime(config.config, "bench-hmac", { fetch })));
  rows.push(await time("request id (crypto.randomUUID)", () => crypto.randomUUID()));
  rows.push(
    await time("HMAC check of a wrong signature (WebCrypto)", () =>
      runtime.authenticate({ method: "POST", url: new URL(URL_TEXT), headers, body, now: Date.now() }),
    ),
  );
  rows.push(await time("new GatewayError (no stack trace)", () => new GatewayError("unauthorized", "authentication failed", {}, "mismatch")));
  rows.push(await time("new Error (a stack trace, for comparison)", () => new Error("authentication failed")));
  rows.push(await time("error body as JSON", () => JSON.stringify(errorBody("unauthorized", "authentication failed", "0b0c2c6e-3b4f-4a8a-9d42-1f2e3d4c5b6a"))));
  rows.push(
    await time("metrics: count + countAnswer", () => {
      const now = Date.now();
      count("ingest", "bench-hmac", "unauthorized", now);
      countAnswer("bench-hmac", 1, now);
    }),
  );
  console.log = () => {};
  rows.push(
    await time("the refusal's log line (JSON, console.log a no-op)", () =>
      log({
        requestId: "0b0c2c6e-3b4f-4a8a-9d42-1f2e3d4c5b6a",
        method: "POST",
        path: "/hooks/bench-hmac",
        status: 401,
        durationMs: 0,
        outcome: "unauthorized",
        reason: "mismatch",
      }),
    ),
  );
  const whole = await time(
    "whole refused request through the hooks app (Node's Request/Response)",
    async () => (await hooks.fetch(request(), env, ctx)).status,
  );
  const floor = await time("body-only Hono app, the same request", async () => (await bare.fetch(request(), env, ctx)).status);
  console.log = quiet;
  rows.push(whole, floor, ["the fixed path: whole less body-only", whole[1] - floor[1]]);
  console.log(
    `steps of a refused request, best of 5 runs of ${N / 5}, µs per step (Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`,
  );
  for (const [name, micros] of rows) console.log(`  ${micros.toFixed(2).padStart(8)} µs  ${micros > 10 ? "> 10" : "    "}  ${name}`);
}

readCommandLine(process.argv.slice(2), {
  help: `npm run bench:steps

The fixed path of a refused request (a wrong HMAC signature), step by step, each timed alone in
Node's V8; prints µs per step. STEPS_N (default 20000) sets the repetitions.`,
  options: {},
});
await main();
