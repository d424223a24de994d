import { hexDecode, utf8 } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { readHeader } from "./credentials";
import { createHmacSigner } from "./hmac-signer";
import { manifest } from "./mercadopago-manifest";
import { fail, PASS } from "./outcome";
import { timingSafeEqualMac } from "./timing-safe";
import type { Authenticator, AuthFailure } from "./types";

/**
 * Mercado Pago's webhook signature. `x-signature: ts=<ts>,v1=<hex>` is an HMAC-SHA256, keyed with
 * the application's secret, over a manifest rather than the body:
 *
 *     id:{data.id};request-id:{x-request-id};ts:{ts};
 *
 * - `data.id` comes from the URL's query (`?data.id=…&type=payment`), never the body, and is
 *   lower-cased when alphanumeric (real deliveries of order ids fail where simulated ones pass
 *   without it); a part that is absent is left out, with its label and semicolon.
 * - The body is NOT covered: the adapter refuses a body whose `data.id` differs from the signed
 *   one, and confirm-by-fetch (docs/providers.md) reads what the body claims from the API.
 * - `ts` is signed as sent. Mercado Pago's documents say seconds and its deliveries send
 *   milliseconds, so the freshness check reads both (13 digits or more are milliseconds).
 */
const MAX_SIGNATURES = 8;
const MILLISECONDS_FROM = 1e11;

export function createMercadoPagoAuthenticator(rule: AuthRuleOf<"mercadopago">): Authenticator {
  const sign = createHmacSigner(utf8(rule.secret), "SHA-256");

  return async (request) => {
    const header = readHeader(request.headers, "x-signature");
    if (!header.ok) return fail(header.reason);
    const parsed = parseSignatureHeader(header.value);
    if (!parsed) return fail("malformed");
    const late = checkFreshness(parsed.ts, request.now, rule.toleranceSeconds);
    if (late) return fail(late);

    const expected = await sign(utf8(manifest(request.url.searchParams.get("data.id"), request.headers.get("x-request-id"), parsed.ts)));
    for (const candidate of parsed.signatures) {
      const presented = hexDecode(candidate);
      if (presented && timingSafeEqualMac(expected, presented)) return PASS;
    }
    return fail("mismatch");
  };
}

/** `ts=…,v1=…` in any order, spaces allowed around parts; one ts, one or a few v1. */
function parseSignatureHeader(value: string): { ts: string; signatures: string[] } | undefined {
  let ts: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(",").slice(0, MAX_SIGNATURES + 1)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const text = part.slice(eq + 1).trim();
    if (key === "ts") {
      if (ts !== undefined) return undefined;
      ts = text;
    } else if (key === "v1") signatures.push(text);
  }
  if (ts === undefined || !/^\d{1,16}$/.test(ts) || signatures.length === 0) return undefined;
  return { ts, signatures };
}

function checkFreshness(ts: string, now: number, toleranceSeconds: number): AuthFailure | undefined {
  const value = Number(ts);
  const millis = value >= MILLISECONDS_FROM ? value : value * 1000;
  return Math.abs(now - millis) > toleranceSeconds * 1000 ? "expired" : undefined;
}
