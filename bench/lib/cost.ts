/**
 * What a notification costs, from the operations it makes: the table docs/deploy.md and the
 * README print, the cost test (test/ledger/cost.test.ts) holds the gateway to, and the bench
 * fills with what it metered on the real local bindings.
 *
 * List prices (Workers Paid, USD per million): Worker requests 0.30; Queues 0.40 per operation
 * (a message is written, read and deleted: 3); Durable Object requests 0.15; SQLite rows written
 * 1.00 (index entries count as rows), rows read 0.001; KV reads 0.50, writes 5.00; D1 rows
 * written 1.00. A consumer invocation takes a batch of up to 10 messages.
 */
export const PRICE_PER_MILLION = {
  workerRequest: 0.3,
  queueOperation: 0.4,
  doRequest: 0.15,
  doRowWritten: 1.0,
  doRowRead: 0.001,
  kvRead: 0.5,
  kvWrite: 5.0,
  d1RowWritten: 1.0,
} as const;

/** Operations per notification (or per extra route, per retry, per duplicate). */
export interface Operations {
  workerRequests: number;
  queueOperations: number;
  doRequests: number;
  doRowsWritten: number;
  kvReads: number;
  kvWrites: number;
  d1RowsWritten: number;
}

const BATCH = 10;

/**
 * The designed operations, each an upper bound the cost test checks against what it meters:
 * one route, delivered at the first attempt; the consumer's report is at most one call per
 * message (a batch's messages share a call when they share a shard: fewer in practice). The
 * route's governor is called once per route per consumer batch (its `decide`; a healthy route
 * writes nothing and reports nothing): 1/BATCH of a call per notification, like the consumer's
 * invocation. The cost test checks those calls per batch.
 */
export const DESIGNED: Record<"logOn" | "logOff" | "extraRoute" | "retry" | "duplicate", Operations> = {
  // request + consumer share; 3 queue ops; reserve + confirm + report, the governor's share; row and key index + route update.
  logOn: { workerRequests: 1 + 1 / BATCH, queueOperations: 3, doRequests: 3 + 1 / BATCH, doRowsWritten: 3, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 },
  // reserve + confirm, the governor's share; the mark alone.
  logOff: { workerRequests: 1 + 1 / BATCH, queueOperations: 3, doRequests: 2 + 1 / BATCH, doRowsWritten: 1, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 },
  // its message, its share of the consumer and of its governor, its update (the report call is shared with the first route's).
  extraRoute: { workerRequests: 1 / BATCH, queueOperations: 3, doRequests: 1 / BATCH, doRowsWritten: 1, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 },
  // the message re-sent, the consumer's share, a report call, the route's update; the failing batch's
  // report to the governor (the breaker's count: a call and a row, at worst one per message) and
  // the governor's share of the batch that retries it; route health in D1 (a failing batch and the
  // success that ends the run: per batch and route, not per message).
  retry: { workerRequests: 1 / BATCH, queueOperations: 3, doRequests: 2 + 1 / BATCH, doRowsWritten: 2, kvReads: 0, kvWrites: 0, d1RowsWritten: 2 },
  // a provider's retry: one reserve call that appends its line (log on), no queue operation.
  duplicate: { workerRequests: 1, queueOperations: 0, doRequests: 1, doRowsWritten: 1, kvReads: 0, kvWrites: 0, d1RowsWritten: 0 },
};

export function costPerMillion(ops: Operations): number {
  const p = PRICE_PER_MILLION;
  return (
    ops.workerRequests * p.workerRequest +
    ops.queueOperations * p.queueOperation +
    ops.doRequests * p.doRequest +
    ops.doRowsWritten * p.doRowWritten +
    ops.kvReads * p.kvRead +
    ops.kvWrites * p.kvWrite +
    ops.d1RowsWritten * p.d1RowWritten
  );
}

/**
 * A month on Workers Paid: $5 base with 10 M requests, 1 M queue operations, 1 M Durable Object
 * requests and 50 M rows written included (storage of a month of rows stays inside the 5 GB
 * included at ≤ 1 M notifications a day and is priced at $0.20 per GB-month past it).
 */
export const INCLUDED = { workerRequests: 10e6, queueOperations: 1e6, doRequests: 1e6, doRowsWritten: 50e6, kvReads: 10e6, kvWrites: 1e6, d1RowsWritten: 50e6 };
export const BASE_PER_MONTH = 5;

export function monthlyTotal(ops: Operations, notifications: number): number {
  const p = PRICE_PER_MILLION;
  const billable = (used: number, included: number, price: number) => (Math.max(0, used - included) / 1e6) * price;
  return (
    BASE_PER_MONTH +
    billable(ops.workerRequests * notifications, INCLUDED.workerRequests, p.workerRequest) +
    billable(ops.queueOperations * notifications, INCLUDED.queueOperations, p.queueOperation) +
    billable(ops.doRequests * notifications, INCLUDED.doRequests, p.doRequest) +
    billable(ops.doRowsWritten * notifications, INCLUDED.doRowsWritten, p.doRowWritten) +
    billable(ops.kvReads * notifications, INCLUDED.kvReads, p.kvRead) +
    billable(ops.kvWrites * notifications, INCLUDED.kvWrites, p.kvWrite) +
    billable(ops.d1RowsWritten * notifications, INCLUDED.d1RowsWritten, p.d1RowWritten)
  );
}
