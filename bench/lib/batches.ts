/**
 * Rows of issue 13, in paired rounds like the targets (each round measures both sides back to back):
 * - strict vs kv dedup: the real bundle with KV, Queues and the StrictDedup Durable Object
 *   simulators, unique HMAC-signed notifications to a `kv` source and to a `strict` one;
 * - a 1,000-item Pix batch against one-item Pix requests: notifications per second both ways, on
 *   the real bundle (KV bulk reads, sendBatch of 100) and on the in-memory gateway of (c) (its own
 *   CPU); the cost per notification is notifications/s of single requests over the batch's.
 */
import { loadavg } from "node:os";
import { LIMITS } from "./config";
import { type CellResult, measureCell } from "./load";
import { cycle, type Prepared, type RequestPool, uniquePool } from "./requests";
import { flags, type Target } from "./suite";

export interface PairRow {
  name: string;
  baseline: string;
  subject: string;
  /** Per round: the subject's cell and the baseline's. */
  rounds: { subject: CellResult; baseline: CellResult }[];
  /** Median over rounds of subject/baseline req/s (strict) or cost per notification (pix). */
  ratio: number;
  ratioRange: string;
  p99Ratio: number;
  note: string;
}

export interface BatchesResult {
  strictVsKv: PairRow;
  pixReal: PairRow;
  pixInMemory: PairRow;
  loadAvg: number;
}

const BATCH = 1000;
let nonce = 0;

function pixPool(items: number, size: number, tag: string): RequestPool {
  const prepared: Prepared[] = [];
  for (let r = 0; r < size; r++) {
    const pix = Array.from({ length: items }, (_, i) => ({
      endToEndId: `E${tag}R${r}I${i}`.replace(/[^A-Za-z0-9]/g, ""),
      txid: `tx${r}x${i}`,
      valor: "125.90",
      horario: "2026-04-01T12:00:00.000Z",
      infoPagador: "bench",
    }));
    prepared.push({ path: "/hooks/bench-pix/pix", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pix }) });
  }
  return cycle(prepared, size);
}

async function cell(url: string, pools: (seconds: number, tag: string) => RequestPool, connections: number): Promise<CellResult> {
  const tag = `${process.pid}-${nonce++}`;
  const seconds = LIMITS.roundSeconds;
  return measureCell({
    url,
    connections,
    seconds,
    warmupSeconds: LIMITS.roundWarmupSeconds,
    expectStatus: 202,
    warmupPool: pools(LIMITS.roundWarmupSeconds, `${tag}w`),
    pool: pools(seconds, tag),
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length / 2;
  return s.length % 2 ? s[Math.floor(m)]! : (s[m - 1]! + s[m]!) / 2;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

async function pairs(
  name: string,
  labels: { subject: string; baseline: string },
  measure: { subject: () => Promise<CellResult>; baseline: () => Promise<CellResult> },
  ratioOf: (subject: CellResult, baseline: CellResult) => number,
  note: string,
  rounds: number,
  log: (line: string) => void,
): Promise<PairRow> {
  const out: PairRow["rounds"] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, so drift in the machine's load falls on both.
    const first = r % 2 === 0 ? measure.baseline : measure.subject;
    const second = r % 2 === 0 ? measure.subject : measure.baseline;
    const a = await first();
    const b = await second();
    const [baseline, subject] = r % 2 === 0 ? [a, b] : [b, a];
    out.push({ subject, baseline });
    log(
      `${name} round ${r + 1}/${rounds}: ${labels.subject} ${subject.rps} req/s p99 ${subject.p99} ms${flags(subject)}, ${labels.baseline} ${baseline.rps} req/s p99 ${baseline.p99} ms${flags(baseline)}`,
    );
  }
  const ratios = out.map((p) => ratioOf(p.subject, p.baseline));
  return {
    name,
    ...labels,
    rounds: out,
    ratio: r2(median(ratios)),
    ratioRange: `${r2(Math.min(...ratios))}–${r2(Math.max(...ratios))}`,
    p99Ratio: r2(median(out.map((p) => p.subject.p99 / p.baseline.p99))),
    note,
  };
}

/** Per notification, a batch costs (1/notifications per s of the batch) over (1/notifications per s of single requests). */
const costPerNotification = (batch: CellResult, single: CellResult) => single.rps / (batch.rps * BATCH);

export async function measureBatches(urls: { real: string; inMemory: string }, log: (line: string) => void): Promise<BatchesResult> {
  const rounds = LIMITS.ingestRounds;
  const hmac = (source: "bench-hmac" | "bench-strict") => (seconds: number, tag: string) => uniquePool(source, Math.ceil(seconds * LIMITS.poolPerSecond), tag);
  const strictVsKv = await pairs(
    "strict/kv",
    { subject: "bench-strict", baseline: "bench-hmac" },
    { subject: () => cell(urls.real, hmac("bench-strict"), 10), baseline: () => cell(urls.real, hmac("bench-hmac"), 10) },
    (s, b) => s.rps / b.rps,
    "accepted req/s at 10 connections, a strict source over the same source with kv dedup",
    rounds,
    log,
  );
  const pixRow = (url: string, where: string) =>
    pairs(
      `pix ${where}`,
      { subject: `${BATCH}-item batch`, baseline: "1-item requests" },
      {
        // Few connections for the batch: each request is 1,000 notifications.
        // Pool sized for the in-memory gateway's rate (about 100 batches/s); a cell that runs out is flagged.
        subject: () => cell(url, (seconds, tag) => pixPool(BATCH, Math.ceil(seconds * 200) + 10, tag), 2),
        baseline: () => cell(url, (seconds, tag) => pixPool(1, Math.ceil(seconds * LIMITS.poolPerSecond), tag), 10),
      },
      costPerNotification,
      `${where}: CPU and I/O per notification of a ${BATCH}-item Pix batch (2 connections) over a one-item Pix request (10 connections)`,
      rounds,
      log,
    );
  const pixReal = await pixRow(urls.real, "real bundle");
  const pixInMemory = await pixRow(urls.inMemory, "in-memory");
  return { strictVsKv, pixReal, pixInMemory, loadAvg: r2(loadavg()[0]!) };
}

export function batchTargets(b: BatchesResult): Target[] {
  return [
    {
      name: "strict / kv dedup, accepted req/s at 10 connections",
      measured: b.strictVsKv.ratio,
      range: b.strictVsKv.ratioRange,
      unit: "x",
      goal: "≥ 0.8x",
      pass: b.strictVsKv.ratio >= 0.8,
    },
    {
      name: "per-notification cost, 1,000-item Pix batch / one-item requests (real bundle)",
      measured: b.pixReal.ratio,
      range: b.pixReal.ratioRange,
      unit: "x",
      goal: "≤ 1x",
      pass: b.pixReal.ratio <= 1,
    },
    {
      name: "per-notification cost, 1,000-item Pix batch / one-item requests (in-memory)",
      measured: b.pixInMemory.ratio,
      range: b.pixInMemory.ratioRange,
      unit: "x",
      goal: "≤ 1x",
      pass: b.pixInMemory.ratio <= 1,
    },
  ];
}

export function batchesSection(b: BatchesResult): string {
  const row = (p: PairRow) => {
    const s = r2(median(p.rounds.map((r) => r.subject.rps)));
    const base = r2(median(p.rounds.map((r) => r.baseline.rps)));
    const sp = r2(median(p.rounds.map((r) => r.subject.p99)));
    const bp = r2(median(p.rounds.map((r) => r.baseline.p99)));
    return `| ${p.name} | ${p.subject}: ${s} req/s, p99 ${sp} ms | ${p.baseline}: ${base} req/s, p99 ${bp} ms | ${p.ratio}x (${p.ratioRange}) | ${p.p99Ratio}x | ${p.note} |`;
  };
  return [
    "## Strict dedup and large batches (issue 13)",
    "",
    `Paired rounds (${LIMITS.ingestRounds}, ${LIMITS.roundSeconds} s a cell; load ${b.loadAvg} at the end). For the Pix rows the ratio is the cost per notification: notifications/s of one-item requests over notifications/s of ${BATCH}-item batches (below 1x: a batch is cheaper per notification). p99 of a batch is of a whole ${BATCH}-item request.`,
    "",
    "| row | subject (median) | baseline (median) | ratio (median, range) | p99 ratio | what |",
    "|---|---|---|---|---|---|",
    row(b.strictVsKv),
    row(b.pixReal),
    row(b.pixInMemory),
  ].join("\n");
}
