/**
 * `npm run bench:adapters`: the CPU time a 1 MiB body of many small keys costs the gateway's own
 * code (issue 28.4: 115–240 ms; goal: no request over 100 ms at the default limits). Runs the
 * adapters and the ingest steps of src/ in this Node process (V8, the engine workerd runs;
 * workerd's clocks stand still while code runs, so CPU time cannot be read inside it), as
 * bench/filter.ts does, and writes bench/results/adapters.{md,json}.
 *
 * Rows: `adapt()` alone (parse, read the fields, check the payload can be stored) for Pix and
 * BS2 SPI; and the request's own work, `adapt()` then the envelope, the routes' filters, the
 * delivery plan (the envelope's JSON) and the ledger's event row: everything a request computes
 * between reading its body and its bindings' I/O. Each against a body of the same size holding
 * one long string, the cheap shape. After a warm-up, each run is timed alone with process.cpuUsage().
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readCommandLine } from "../scripts/lib/args";
import { adapt } from "../src/adapters/adapt";
import { bs2Spi } from "../src/adapters/bs2-spi";
import { MAX_JSON_NODES } from "../src/adapters/json-limits";
import { pix } from "../src/adapters/pix";
import type { Adapter, ProviderRequest } from "../src/adapters/types";
import { base64Encode, utf8Length } from "../src/bytes";
import type { Route } from "../src/config/schema";
import { Source } from "../src/config/source";
import { envelopeJson, toEnvelope } from "../src/envelope";
import { routeTakes } from "../src/routing/match";
import { ROOT } from "./lib/build";

readCommandLine(process.argv.slice(2), {
  help: `npm run bench:adapters

Times what a 1 MiB body of 95,000 small keys costs the gateway's own code, for Pix and BS2 SPI
(goal: under 100 ms of CPU a request), in this Node process, and writes
bench/results/adapters.{md,json}. Exit 1 on a miss.

  -h, --help        this text`,
  options: {},
});

const MIB = 1024 * 1024;
const WARM_UP = 5;
const RUNS = 30;
const GOAL_MS = 100;
const MAX_NOTIFICATIONS = 1000;

/** An object of small keys around `fields`, as large as fits in `bytes` of JSON. */
function manyKeys(fields: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const object: Record<string, unknown> = { ...fields };
  let size = JSON.stringify(object).length;
  for (let i = 0; ; i++) {
    const key = `k${i}`;
    const grows = key.length + 5 + String(i % 7).length - 1;
    if (size + grows > bytes) return object;
    object[key] = i % 7;
    size += grows;
  }
}

/**
 * The most keys a provider's body may hold (MAX_JSON_NODES, less the body's own objects and
 * fields), the rest of `bytes` one long string: the costliest body an adapter still reads.
 */
function mostKeys(fields: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const object: Record<string, unknown> = { ...fields };
  for (let i = 0; i < MAX_JSON_NODES - 20; i++) object[`k${i}`] = i % 7;
  return oneString(object, bytes);
}

function oneString(fields: Record<string, unknown>, bytes: number): Record<string, unknown> {
  const size = JSON.stringify({ ...fields, note: "" }).length;
  return { ...fields, note: "x".repeat(bytes - size) };
}

const PIX_ITEM = { endToEndId: "E12345678202612011000abcdefghijk", txid: "tx1", valor: "10.00", horario: "2026-12-01T10:00:00Z" };
const SPI_BODY = { evento: "RecebimentoFinalizado", idNotificacao: "N1", endToEndId: "E12345678202612011000abcdefghijk" };
/** The Pix body wraps its item: `{"pix": [item]}` takes 10 bytes more. */
const pixBody = (shape: typeof manyKeys) => ({ pix: [shape(PIX_ITEM, MIB - 10)] });

interface Case {
  name: string;
  provider: string;
  adapter: Adapter;
  rest: string;
  body: unknown;
  /** Refused before parsing (quarantined): its own work is the refusal and the raw bytes' base64. */
  refused?: true;
}

const cases: Case[] = [
  { name: "Pix, one item of 95,000 keys (quarantined)", provider: "pix", adapter: pix, rest: "pix", body: pixBody(manyKeys), refused: true },
  { name: `Pix, one item of ${MAX_JSON_NODES - 20} keys and a long string`, provider: "pix", adapter: pix, rest: "pix", body: pixBody(mostKeys) },
  { name: "Pix, one item holding one long string", provider: "pix", adapter: pix, rest: "pix", body: pixBody(oneString) },
  {
    name: "BS2 SPI, a body of 95,000 keys (quarantined)",
    provider: "bs2-spi",
    adapter: bs2Spi,
    rest: "RecebimentoFinalizado",
    body: manyKeys(SPI_BODY, MIB),
    refused: true,
  },
  {
    name: `BS2 SPI, a body of ${MAX_JSON_NODES - 20} keys and a long string`,
    provider: "bs2-spi",
    adapter: bs2Spi,
    rest: "RecebimentoFinalizado",
    body: mostKeys(SPI_BODY, MIB),
  },
  { name: "BS2 SPI, a body holding one long string", provider: "bs2-spi", adapter: bs2Spi, rest: "RecebimentoFinalizado", body: oneString(SPI_BODY, MIB) },
];

/** Two routes take every envelope, one through a filter on the normalized type, as docs/configuration.md shows. */
const routes = [
  { id: "all", events: ["*"] },
  { id: "received", events: ["*"], filter: { type: { $in: ["pix.received", "bs2.spi.recebimento_finalizado"] } } },
] as Pick<Route, "id" | "events" | "filter">[];

function cpuMs(run: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  return run().then(() => {
    const spent = process.cpuUsage(start);
    return (spent.user + spent.system) / 1000;
  });
}

async function timed(run: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await cpuMs(run));
  return times.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const rows = [];
for (const c of cases) {
  const bytes = new TextEncoder().encode(JSON.stringify(c.body));
  const source = Source.parse({ provider: c.provider, auth: [{ type: "none" }] });
  // A fresh request each run: nothing a run learns about a body is kept for the next.
  const request = (): ProviderRequest => ({
    source: c.provider,
    method: "POST",
    rest: c.rest,
    query: new URLSearchParams(),
    headers: new Headers(),
    body: bytes.slice(),
  });
  const adaptOnly = await timed(async () => {
    const adapted = await adapt(c.adapter, request(), source, MAX_NOTIFICATIONS);
    if (adapted.ok === Boolean(c.refused)) throw new Error(`${c.name}: ${adapted.ok ? "accepted" : adapted.reason}`);
  });
  const whole = await timed(async () => {
    const providerRequest = request();
    const adapted = await adapt(c.adapter, providerRequest, source, MAX_NOTIFICATIONS);
    if (adapted.ok === Boolean(c.refused)) throw new Error(`${c.name}: ${adapted.ok ? "accepted" : adapted.reason}`);
    // What src/deadletters/quarantine.ts computes from the body: its bytes in base64.
    if (!adapted.ok) return void base64Encode(providerRequest.body);
    // What src/ingest/plan.ts (planDelivery, asJson) and src/ledger/claim.ts (eventRow) compute.
    for (const envelope of adapted.notifications.map((n) => toEnvelope(c.provider, n, new Date()))) {
      const taken = routes.filter((route) => routeTakes(route, c.provider, envelope));
      if (taken.length !== 2) throw new Error(`${c.name}: ${taken.length} routes`);
      utf8Length(envelopeJson(envelope));
      envelopeJson(envelope);
    }
  });
  rows.push({
    name: c.name,
    bodyBytes: bytes.length,
    adaptMedianMs: round(quantile(adaptOnly, 0.5)),
    adaptP95Ms: round(quantile(adaptOnly, 0.95)),
    requestMedianMs: round(quantile(whole, 0.5)),
    requestP95Ms: round(quantile(whole, 0.95)),
  });
}

const worst = Math.max(...rows.map((r) => r.requestP95Ms));
const report = { date: new Date().toISOString(), node: process.version, loadAtStart, goalMs: GOAL_MS, worstP95Ms: worst, pass: worst < GOAL_MS, rows };

const md = [
  "# Adapters: a 1 MiB body of many small keys",
  "",
  `${report.date} · Node ${report.node} (V8) · \`npm run bench:adapters\` · ${WARM_UP} warm-up runs, then ${RUNS} timed one by one with process.cpuUsage() · load average at start ${loadAtStart.join(" / ")} (the machine is shared: CPU time grows with its load)`,
  "",
  "`adapt()`: parse, read the fields, check the payload can be stored. The request's own work: `adapt()`, the envelope, two routes (one filtered), the delivery plan with the envelope's JSON, the ledger row's text. Auth and the bindings' I/O are not in it.",
  "",
  `A provider's body of more than ${MAX_JSON_NODES} objects, arrays and members is quarantined before it is parsed (docs/limits.md): its own work is that refusal and its bytes in base64. The costliest body still read holds ${MAX_JSON_NODES - 20} keys.`,
  "",
  "| body | bytes | adapt() median ms | adapt() p95 ms | request's own work median ms | p95 ms |",
  "|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${r.bodyBytes} | ${r.adaptMedianMs} | ${r.adaptP95Ms} | ${r.requestMedianMs} | ${r.requestP95Ms} |`),
  "",
  `Worst p95 of a request's own work: **${worst} ms** CPU (goal < ${GOAL_MS} ms): ${report.pass ? "PASS" : "MISS"}.`,
  "",
].join("\n");

const dir = join(ROOT, "bench/results");
writeFileSync(join(dir, "adapters.md"), md);
writeFileSync(join(dir, "adapters.json"), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(md);
process.exitCode = report.pass ? 0 : 1;
