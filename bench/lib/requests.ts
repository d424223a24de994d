/**
 * Requests prepared before the timed window: bodies built and signed up front, so the load
 * generator only hands out the next one. Ids are unique per pool, and a pool never wraps
 * silently: requests past its end are counted as `overflow` and the report flags the cell.
 */
import { createHmac } from "node:crypto";
import { BASIC_PASSWORD, BASIC_USER, HMAC_SECRET, type SourceName } from "./config";

export interface Prepared {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RequestPool {
  readonly size: number;
  /** Requests handed out past the end (they repeat ids, so they are not "accepted"). */
  readonly overflow: number;
  readonly taken: number;
  next(): Prepared;
}

export function notificationBody(id: string): string {
  return JSON.stringify({
    id,
    type: "payment.settled",
    createdAt: "2026-04-01T12:00:00.000Z",
    data: { amount: 125_90, currency: "BRL", customer: { id: "cus_0042", name: "Bench Customer" }, reference: `order-${id}` },
  });
}

/** A request that passes the source's auth rule, or one that fails it with `wrong`. */
export function signedRequest(source: SourceName, id: string, wrong = false): Prepared {
  const body = notificationBody(id);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (source === "bench-hmac" || source === "bench-strict") {
    headers["X-Signature"] = createHmac("sha256", wrong ? `${HMAC_SECRET}-wrong` : HMAC_SECRET)
      .update(body)
      .digest("hex");
  } else if (source === "bench-basic") {
    const password = wrong ? `${BASIC_PASSWORD}-wrong` : BASIC_PASSWORD;
    headers.Authorization = `Basic ${Buffer.from(`${BASIC_USER}:${password}`).toString("base64")}`;
  }
  return { path: `/hooks/${source}`, headers, body };
}

/** `size` distinct notifications; `tag` keeps ids unique across cells against one server. */
export function uniquePool(source: SourceName, size: number, tag: string): RequestPool {
  const prepared: Prepared[] = [];
  for (let i = 0; i < size; i++) prepared.push(signedRequest(source, `${tag}-${i}`));
  return cycle(prepared, size);
}

/** One request sent again and again: a duplicate (once accepted) or a rejected one. */
export function repeatedPool(request: Prepared): RequestPool {
  return cycle([request], Number.POSITIVE_INFINITY);
}

/** The prepared requests in turn; `overflow` counts how far past `size` a cell went. */
export function cycle(prepared: Prepared[], size: number): RequestPool {
  let taken = 0;
  return {
    size,
    get taken() {
      return taken;
    },
    get overflow() {
      return Math.max(0, taken - size);
    },
    next() {
      const request = prepared[taken % prepared.length]!;
      taken += 1;
      return request;
    },
  };
}
