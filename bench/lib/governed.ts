/**
 * Governed delivery (issue 21): the consumer draining K notifications to a local sink through a
 * plain route, an ordered route with 100 keys, and a rate-limited one, each on its own gateway
 * under Miniflare with the real queue consumer and the RouteGovernor Durable Object. As in
 * (d), the sink holds its answers while the notifications go in, then opens, and the clock runs
 * until it has every one. The governor's own log lines (`governor_call`) give what each route
 * cost per notification: Durable Object calls, SQLite rows written, and messages held back
 * (each hold is a queue message sent again: 3 operations).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LIMITS } from "./config";
import { CONSUMER } from "./delivery";
import { blast, round } from "./load";
import { cycle, type Prepared } from "./requests";
import { closeAll, GATEWAY_OBJECTS, nextPort, startWorker } from "./servers";

const KEYS = 100;
const RATE_PER_SECOND = 100;
/** List prices (docs/deploy.md): Durable Object requests, SQLite rows written, queue operations, per million. */
const PRICE = { doRequest: 0.15, rowWritten: 1.0, queueOperation: 0.4 };

export interface GovernedRow {
  name: string;
  route: Record<string, unknown>;
  accepted: number;
  distinctIds: number;
  drainSeconds: number;
  deliveredPerSecond: number;
  /** Keys whose deliveries reached the sink out of their sequence (ordered row only). */
  outOfOrderKeys: number;
  /** Most deliveries the sink saw in any one-second window. */
  busiestSecond: number;
  perNotification: { doCalls: number; rowsWritten: number; holds: number };
  /** What the governor adds per million notifications at list prices: calls, rows, held messages' queue operations. */
  dollarsPerMillion: number;
  complete: boolean;
}

export interface GovernedReport {
  messages: number;
  rounds: number;
  rows: GovernedRow[];
  /** Ordered over plain in each round. */
  ratios: number[];
  /** Ordered (100 keys) over plain, the median of the rounds: the target is at least 0.5. */
  orderedOverPlain: number;
}

const VARIANTS: { name: string; governance: Record<string, unknown> }[] = [
  { name: "plain (breaker on, the default)", governance: {} },
  { name: `ordered, ${KEYS} keys`, governance: { ordered: { key: "data.account" } } },
  { name: `rate limit ${RATE_PER_SECOND}/s`, governance: { rateLimit: { perSecond: RATE_PER_SECOND } } },
];

/** Plain and ordered run in turn this many times (a shared machine is noisy); the report keeps each one's median run and the median of the paired ratios. */
const ROUNDS = 5;

export async function measureGoverned(gatewayScript: string, log: (line: string) => void = () => {}): Promise<GovernedReport> {
  const runs: GovernedRow[][] = VARIANTS.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, variant] of VARIANTS.entries()) {
      // The rate limit's drain is set by the limit itself: once is enough.
      if (i === 2 && round > 0) continue;
      log(`governed: ${variant.name} (round ${round + 1})`);
      runs[i]!.push(await measureOne(gatewayScript, variant.name, variant.governance));
      await closeAll();
    }
  }
  const ratios = runs[1]!.map((ordered, i) => ordered.deliveredPerSecond / Math.max(1, runs[0]![i]!.deliveredPerSecond));
  const rows = runs.map((list) => [...list].sort((a, b) => a.deliveredPerSecond - b.deliveredPerSecond)[Math.floor(list.length / 2)]!);
  return { messages: LIMITS.deliveryMessages, rounds: ROUNDS, rows, ratios: ratios.map((r) => round(r, 2)), orderedOverPlain: round(median(ratios), 2) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function measureOne(gatewayScript: string, name: string, governance: Record<string, unknown>): Promise<GovernedRow> {
  const sink = await startOrderSink();
  // The sink holds its answers until every notification is queued: the longest timeout, so no attempt fails meanwhile (the breaker would open).
  const route = { id: "governed", events: ["*"], url: sink.url, timeoutMs: 30_000, ...governance };
  const config = { sources: { "bench-none": { provider: "generic", idPath: "body.id", eventType: "bench.event", auth: [{ type: "none" }] } }, routes: [route] };
  const gateway = await startWorker({
    scriptPath: gatewayScript,
    config,
    bindings: true,
    consumer: CONSUMER,
    objects: GATEWAY_OBJECTS,
    keep: /"governor_call"/,
    // The governor's routine calls are success lines, written only when asked (src/log.ts).
    vars: { LOG_SUCCESS: "all" },
  });
  const K = LIMITS.deliveryMessages;
  const tag = `governed-${process.pid}-${Date.now()}`;
  const prepared: Prepared[] = Array.from({ length: K }, (_, i) => ({
    path: "/hooks/bench-none",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ id: `${tag}-${i}`, account: `acct-${i % KEYS}`, amount: 125_90, currency: "BRL" }),
  }));
  let accepted = 0;
  await blast(gateway.url, cycle(prepared, K), 10, { amount: K, overallRate: LIMITS.deliveryRate }, (status) => {
    if (status === 202) accepted += 1;
  });
  const opened = performance.now();
  sink.release();
  const deadline = opened + LIMITS.deliveryTimeoutMs * 2;
  while (sink.ids.size < accepted && performance.now() < deadline) await sleep(10);
  await sleep(300);
  const last = sink.lastAt ?? opened;
  const drainSeconds = Math.max(0.001, (last - opened) / 1000);
  const calls = gateway.keptLines.map((line) => JSON.parse(line.slice(line.indexOf("{"))) as { rowsWritten?: number; hold?: number });
  const per = (n: number) => round(n / Math.max(1, accepted), 3);
  const perNotification = {
    doCalls: per(calls.length),
    rowsWritten: per(calls.reduce((sum, c) => sum + (c.rowsWritten ?? 0), 0)),
    holds: per(calls.reduce((sum, c) => sum + (c.hold ?? 0), 0)),
  };
  return {
    name,
    route: governance,
    accepted,
    distinctIds: sink.ids.size,
    drainSeconds: round(drainSeconds, 3),
    deliveredPerSecond: round(sink.ids.size / drainSeconds, 0),
    outOfOrderKeys: sink.outOfOrderKeys(),
    busiestSecond: sink.busiestSecond(),
    perNotification,
    dollarsPerMillion: round(
      perNotification.doCalls * PRICE.doRequest + perNotification.rowsWritten * PRICE.rowWritten + perNotification.holds * 3 * PRICE.queueOperation,
      2,
    ),
    complete: accepted === K && sink.ids.size === K,
  };
}

/** Like (d)'s sink, and it also notes each delivery's time, key and `hookgate-sequence`. */
async function startOrderSink() {
  const ids = new Set<string>();
  const arrivals: { at: number; key: string; sequence: number }[] = [];
  const state = { lastAt: undefined as number | undefined, held: [] as (() => void)[] | undefined };
  const server = createServer((request, response) => {
    // When the request arrived, not when its body was read: the limit is about arrivals.
    const at = performance.now();
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const id = String(request.headers["webhook-id"] ?? "");
      if (!ids.has(id)) {
        ids.add(id);
        state.lastAt = at;
        const key = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { data?: { account?: string } }).data?.account ?? "";
        arrivals.push({ at, key, sequence: Number(request.headers["hookgate-sequence"] ?? 0) });
      }
      const answer = () => response.writeHead(200).end("ok");
      if (state.held) state.held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((listening) => server.listen(nextPort(), "127.0.0.1", listening));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/events`,
    ids,
    get lastAt() {
      return state.lastAt;
    },
    release() {
      const held = state.held ?? [];
      state.held = undefined;
      for (const answer of held) answer();
    },
    outOfOrderKeys() {
      const last = new Map<string, number>();
      const bad = new Set<string>();
      for (const a of arrivals) {
        if (a.sequence === 0) continue;
        if ((last.get(a.key) ?? 0) >= a.sequence) bad.add(a.key);
        last.set(a.key, a.sequence);
      }
      return bad.size;
    },
    busiestSecond() {
      const times = arrivals.map((a) => a.at).sort((a, b) => a - b);
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (j < times.length && times[j]! < times[i]! + 1000) j++;
        most = Math.max(most, j - i);
      }
      return most;
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

export function governedMarkdown(report: GovernedReport): string {
  const lines = [
    "## Governed delivery (issue 21)",
    "",
    `${report.messages} notifications per route, drained by the queue consumer (batches of ${CONSUMER.maxBatchSize}) into a local sink that opens once they are all queued.`,
    "Cost columns: per notification, from the governor's own log lines; $/M adds Durable Object requests ($0.15/M), SQLite rows written ($1.00/M) and held messages' queue operations (3 × $0.40/M).",
    "",
    "| route | delivered | drain s | delivered/s | busiest second | out of order keys | DO calls | rows written | holds | governor $/M |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...report.rows.map(
      (r) =>
        `| ${r.name} | ${r.distinctIds}/${r.accepted} | ${r.drainSeconds} | ${r.deliveredPerSecond} | ${r.busiestSecond} | ${r.outOfOrderKeys} | ${r.perNotification.doCalls} | ${r.perNotification.rowsWritten} | ${r.perNotification.holds} | ${r.dollarsPerMillion} |`,
    ),
    "",
    `Ordered over plain: **${report.orderedOverPlain}×**, the median of ${report.rounds} paired rounds (${report.ratios.join(", ")}); target ≥ 0.5×: ${report.orderedOverPlain >= 0.5 ? "PASS" : "MISS"}. Rows show each route's median run.`,
    "",
  ];
  return lines.join("\n");
}

/** bench/results/governed.{md,json}: the committed report section, written by `npm run bench` and `npm run bench:governed`. */
export function writeGoverned(dir: string, report: GovernedReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "governed.json"), `${JSON.stringify({ date: new Date().toISOString(), ...report }, null, 2)}\n`);
  writeFileSync(join(dir, "governed.md"), `${governedMarkdown(report)}`);
}
