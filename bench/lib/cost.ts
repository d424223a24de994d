/**
 * What a notification costs, from the operations it makes: the table docs/deploy.md and the
 * README print, the cost test (test/ledger/cost.test.ts) holds the gateway to, and the bench
 * fills with what it metered on the real local bindings. Every line of the bill is counted.
 *
 * List prices (Workers Paid, USD per million): Worker requests 0.30 (a queue consumer's
 * invocation is one); CPU 0.02 per million CPU-ms; Queues 0.40 per operation (a message is
 * written, read and deleted: 3); Durable Object requests 0.15 (each RPC call is one), duration
 * 12.50 per million GB-s (billed at 128 MB while an object is active, whatever it uses); SQLite
 * rows written 1.00 (index entries count as rows), rows read 0.001; KV reads 0.50, writes 5.00;
 * D1 rows written 1.00; Workers Logs 0.60 per million log events (each line written, and each
 * invocation's own log when invocation logs are on). A consumer invocation takes a batch of up
 * to 10 messages.
 */
export const PRICE_PER_MILLION = {
  workerRequest: 0.3,
  cpuMs: 0.02,
  queueOperation: 0.4,
  doRequest: 0.15,
  doGbSecond: 12.5,
  doRowWritten: 1.0,
  doRowRead: 0.001,
  kvRead: 0.5,
  kvWrite: 5.0,
  d1RowWritten: 1.0,
  logEvent: 0.6,
} as const;

/** Durable Object duration is billed for 128 MB (0.128 GB in Cloudflare's own examples) while active. */
export const DO_GB = 0.128;

/**
 * wrangler.toml's `[observability.logs] invocation_logs`: off, so an invocation writes no log
 * event of its own (test/node/observability.test.ts checks the two agree).
 */
export const INVOCATION_LOGS = false;

/** Operations per notification (or per extra route, per retry, per duplicate). */
export interface Operations {
  workerRequests: number;
  /** CPU time of the request and the consumer's share, ms (measured by `npm run bench`, not in workerd, whose clock stands still while code runs). */
  cpuMs: number;
  queueOperations: number;
  doRequests: number;
  /** Wall time the ledger's and governor's objects spend on the notification's calls, ms: what duration is billed on. */
  doBusyMs: number;
  doRowsWritten: number;
  doRowsRead: number;
  kvReads: number;
  kvWrites: number;
  d1RowsWritten: number;
  /** Workers Logs events: lines written, and invocation logs when they are on. */
  logEvents: number;
}

/** wrangler.toml's consumer batch (max_batch_size) for new deliveries. */
export const BATCH = 25;
/** wrangler.toml's batch for the retries queue (a retry is delivered from it). */
export const RETRY_BATCH = 10;

/**
 * The measured lines, as bounds, from an idle run of the development machine (2026-12-08). CPU:
 * a request's, read from its workerd process (`npm run bench:ledger -- --only cpu`: 0.43–0.46 ms,
 * HTTP parsing and Miniflare included, which Cloudflare does not bill; a body-only worker takes
 * 0.28 ms there); a delivered message's, the consumer's process while the queue drains
 * (`--only drain`: 0.81–0.87 ms with the event log on, 0.42–0.47 off; the ledger's objects and
 * Miniflare's broker run in that process too, so it bounds the consumer from above). Durable
 * Object duration: each call's busy time, the cost test's round trips past the hop of a call
 * that does nothing: 0.6–0.9 ms a call idle, 1.4 at load average 4 (2–9 ms at load 16–20 with
 * eight engineers on the machine); priced at 3 ms, SQLite committing to a local disk
 * (docs/deploy.md says what Cloudflare's would be).
 */
export const MEASURED = { requestCpuMs: 0.5, deliveryCpuMs: 0.9, doCallBusyMs: 3 } as const;

const none = {
  workerRequests: 0,
  cpuMs: 0,
  queueOperations: 0,
  doRequests: 0,
  doBusyMs: 0,
  doRowsWritten: 0,
  doRowsRead: 0,
  kvReads: 0,
  kvWrites: 0,
  d1RowsWritten: 0,
  logEvents: 0,
};

/**
 * The designed operations, each an upper bound the cost test checks against what it meters:
 * one route, delivered at the first attempt. Per-batch costs are shared by a full batch's
 * messages (at volume, where the bill is, batches fill): the consumer's invocation, the route's
 * governor (one `decide` per route per batch; a healthy route writes nothing and reports
 * nothing) and the ledger's report, one call per shard the batch's messages fall in: 25 messages
 * over 16 shards touch 16 × (1 − (15/16)^25) ≈ 12.8 shards, so 0.51 of a call per message (the
 * cost test checks that a batch makes at most one report call per shard it touches). Log
 * events: no line for a success at the defaults (src/log.ts), no invocation logs; with the event
 * log off, one line per consumer batch naming what it delivered.
 */
const REPORT_CALLS = (16 * (1 - (15 / 16) ** BATCH)) / BATCH;
const busy = (calls: number) => calls * MEASURED.doCallBusyMs;
export const DESIGNED: Record<"logOn" | "logOff" | "extraRoute" | "retry" | "duplicate", Operations> = {
  // request + consumer share; 3 queue ops; reserve + confirm + report share, the governor's share; row and key index + route update.
  logOn: {
    ...none,
    workerRequests: 1 + 1 / BATCH,
    cpuMs: MEASURED.requestCpuMs + MEASURED.deliveryCpuMs,
    queueOperations: 3,
    doRequests: 2 + REPORT_CALLS + 1 / BATCH,
    doBusyMs: busy(2 + REPORT_CALLS + 1 / BATCH),
    doRowsWritten: 3,
    // the search index's term (its subject or a business key) is looked up once as it is written
    doRowsRead: 5,
  },
  // reserve + confirm, the governor's share; the mark alone; the batch's line of what it delivered.
  logOff: {
    ...none,
    workerRequests: 1 + 1 / BATCH,
    cpuMs: MEASURED.requestCpuMs + MEASURED.deliveryCpuMs,
    queueOperations: 3,
    doRequests: 2 + 1 / BATCH,
    doBusyMs: busy(2 + 1 / BATCH),
    doRowsWritten: 1,
    doRowsRead: 3,
    logEvents: 1 / BATCH,
  },
  // its message, its share of the consumer and of its governor, its update (the report call is shared with the first route's).
  extraRoute: {
    ...none,
    workerRequests: 1 / BATCH,
    cpuMs: MEASURED.deliveryCpuMs,
    queueOperations: 3,
    doRequests: 1 / BATCH,
    doBusyMs: busy(1 / BATCH),
    doRowsWritten: 1,
    doRowsRead: 5,
  },
  // the message re-sent, the consumer's share, a report call, the route's update; the failing batch's
  // report to the governor (the breaker's count: a call and a row, at worst one per message) and
  // the governor's share of the batch that retries it; route health in D1 (a failing batch and the
  // success that ends the run: per batch and route, not per message); the failed attempt's line.
  retry: {
    ...none,
    workerRequests: 1 / RETRY_BATCH,
    cpuMs: MEASURED.deliveryCpuMs,
    queueOperations: 3,
    doRequests: 2 + 1 / RETRY_BATCH,
    doBusyMs: busy(2 + 1 / RETRY_BATCH),
    doRowsWritten: 2,
    doRowsRead: 8,
    d1RowsWritten: 2,
    // the failed attempt's line, the governor's report lines of the failing batch and the next
    logEvents: 3,
  },
  // a provider's retry: one reserve call that appends its line (log on), no queue operation, no log line.
  duplicate: { ...none, workerRequests: 1, cpuMs: MEASURED.requestCpuMs, doRequests: 1, doBusyMs: busy(1), doRowsWritten: 1, doRowsRead: 6 },
};

/** Each line of the bill: the operation, its price per million, what a month includes. */
const LINES: [keyof Operations, number, number][] = [
  ["workerRequests", PRICE_PER_MILLION.workerRequest, 10e6],
  ["cpuMs", PRICE_PER_MILLION.cpuMs, 30e6],
  ["queueOperations", PRICE_PER_MILLION.queueOperation, 1e6],
  ["doRequests", PRICE_PER_MILLION.doRequest, 1e6],
  // ms of busy time → GB-s at 128 MB; 400,000 GB-s included.
  ["doBusyMs", (PRICE_PER_MILLION.doGbSecond * DO_GB) / 1000, 400_000 / (DO_GB / 1000)],
  ["doRowsWritten", PRICE_PER_MILLION.doRowWritten, 50e6],
  ["doRowsRead", PRICE_PER_MILLION.doRowRead, 25e9],
  ["kvReads", PRICE_PER_MILLION.kvRead, 10e6],
  ["kvWrites", PRICE_PER_MILLION.kvWrite, 1e6],
  ["d1RowsWritten", PRICE_PER_MILLION.d1RowWritten, 50e6],
  ["logEvents", PRICE_PER_MILLION.logEvent, 20e6],
];

/** Dollars per million notifications, line by line. */
export function costLines(ops: Operations): Record<keyof Operations, number> {
  return Object.fromEntries(LINES.map(([key, price]) => [key, ops[key] * price])) as Record<keyof Operations, number>;
}

export function costPerMillion(ops: Operations): number {
  return Object.values(costLines(ops)).reduce((a, b) => a + b, 0);
}

/**
 * A month on Workers Paid: $5 base with 10 M requests, 30 M CPU-ms, 1 M queue operations, 1 M
 * Durable Object requests and 400,000 GB-s, 50 M rows written and 25 billion read, 20 M log
 * events included (storage of a month of rows stays inside the 5 GB included at ≤ 1 M
 * notifications a day and is priced at $0.20 per GB-month past it).
 */
export const BASE_PER_MONTH = 5;

export function monthlyTotal(ops: Operations, notifications: number): number {
  const billable = (used: number, included: number, price: number) => (Math.max(0, used - included) / 1e6) * price;
  return BASE_PER_MONTH + LINES.reduce((sum, [key, price, included]) => sum + billable(ops[key] * notifications, included, price), 0);
}
