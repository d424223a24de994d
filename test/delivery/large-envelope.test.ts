import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliveryDeadLetterId } from "../../src/deadletters/record";
import { getDeadLetter } from "../../src/deadletters/store";
import { MAX_INLINE_ENVELOPE_BYTES } from "../../src/delivery/message";
import { captureLogs, deliveryMessage, deps, envelope, LEDGER_WHSEC, runBatch, target, testEnv } from "./helpers";

beforeEach(() => void captureLogs());
afterEach(() => vi.restoreAllMocks());

const MiB = 1024 * 1024;

/** A stored envelope of exactly `bytes` bytes, indented and with an extra member: a re-serialised copy would differ. */
function largeEnvelopeText(id: string, bytes: number): string {
  const head = `${JSON.stringify(envelope({ id }), null, 1).slice(0, -2)},\n "note": "${"é".repeat(1000)}`;
  const tail = '"\n}';
  return head + "x".repeat(bytes - new TextEncoder().encode(head + tail).byteLength) + tail;
}

describe("an envelope stored aside", () => {
  it("arrives at its target byte for byte, 1 MiB of it, signed over those bytes", async () => {
    const id = `acme:large-${crypto.randomUUID()}`;
    const text = largeEnvelopeText(id, MiB);
    expect(new TextEncoder().encode(text).byteLength).toBe(MiB);
    expect(MiB).toBeGreaterThan(MAX_INLINE_ENVELOPE_BYTES);
    await env.STATE.put(`envelope:${id}`, text);

    const sink = target();
    const message = deliveryMessage("ledger", { envelope: undefined, envelopeKey: `envelope:${id}` });
    const run = await runBatch([message], testEnv(), deps(sink.fetch));

    expect(run.acked(0)).toBe(true);
    const received = sink.received[0]!;
    expect(received.body === text).toBe(true);
    expect(new TextEncoder().encode(received.body).byteLength).toBe(MiB);
    expect(received.headers["webhook-id"]).toBe(id);
    const key = Uint8Array.from(atob(LEDGER_WHSEC.slice(6)), (c) => c.charCodeAt(0));
    const hmacKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    const signature = Uint8Array.from(atob(received.headers["webhook-signature"]!.slice(3)), (c) => c.charCodeAt(0));
    const signed = new TextEncoder().encode(`${id}.${received.headers["webhook-timestamp"]}.${text}`);
    expect(await crypto.subtle.verify("HMAC", hmacKey, signature, signed)).toBe(true);
  });

  it("is a dead letter envelope_missing when the stored envelope is gone, and nothing is sent", async () => {
    const sink = target();
    const key = `envelope:acme:expired-${crypto.randomUUID()}`;
    const message = deliveryMessage("ledger", { envelope: undefined, envelopeKey: key });
    // KV may not have propagated a fresh envelope yet: the first misses wait a minute.
    const first = await runBatch([message], testEnv(), deps(sink.fetch));
    expect(first.retryOptions(0)).toEqual({ delaySeconds: 60 });
    expect(await getDeadLetter(env.STATE, await deliveryDeadLetterId(key.slice("envelope:".length), "ledger"))).toBeUndefined();

    const run = await runBatch([message], testEnv(), deps(sink.fetch), "hookgate-deliveries", 4);
    expect(run.acked(0)).toBe(true);
    expect(sink.received).toHaveLength(0);
    const record = await getDeadLetter(env.STATE, await deliveryDeadLetterId(key.slice("envelope:".length), "ledger"));
    expect(record).toMatchObject({ reason: "envelope_missing", envelopeKey: key, routeId: "ledger" });
    expect(record!.lastError).toContain(key);
  });

  it("keeps the key, not a copy, in a dead letter, so a replay sends the key again", async () => {
    const id = `acme:large-dead-${crypto.randomUUID()}`;
    await env.STATE.put(`envelope:${id}`, largeEnvelopeText(id, 200_000));
    const message = deliveryMessage("ledger", { envelope: undefined, envelopeKey: `envelope:${id}` });
    await runBatch([message], testEnv(), deps(target(new Response("no", { status: 422 })).fetch));
    const record = await getDeadLetter(env.STATE, await deliveryDeadLetterId(id, "ledger"));
    expect(record).toMatchObject({ reason: "rejected", envelopeKey: `envelope:${id}`, lastStatus: 422 });
    expect(record!.envelope).toBeUndefined();
  });
});
