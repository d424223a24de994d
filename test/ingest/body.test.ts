import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DRAIN_LIMIT_BYTES } from "../../src/ingest/body";
import { uniqueId } from "../helpers";

// Issue 19, finding 12: an oversized chunked body is answered 413, and its unread rest is read
// and dropped rather than cancelled. Under `npm start`, wrangler's dev proxy forwards each
// request with fetch() over a kept-alive connection; a body the Worker leaves unread breaks
// that connection (workerd issue #1741), and the next request was answered 503 "Your worker
// restarted mid-request". A run of oversized requests must never cost the next one.

const MIB = 1024 * 1024;

/** A chunked body of `size` zero bytes in 64 KiB chunks; `pulled()` says how much was read. */
function streamedBody(size: number) {
  let sent = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, size - sent));
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => sent, cancelled: () => cancelled };
}

const boleto = (body: BodyInit) =>
  SELF.fetch("https://hooks.example.com/hooks/bs2-boleto", {
    method: "POST",
    headers: { authorization: `Basic ${btoa("bs2:demo-boleto-password")}`, "content-type": "application/json" },
    body,
  });

describe("an oversized chunked body", () => {
  it("is answered 413, and the rest of it is read to its end, not cancelled", async () => {
    const body = streamedBody(2 * MIB);
    const response = await boleto(body.stream);
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    expect(body.cancelled()).toBe(false);
    expect(body.pulled()).toBe(2 * MIB);
  });

  it("is read no further than the drain bound past the limit: a larger one is then cancelled", async () => {
    const size = MIB + DRAIN_LIMIT_BYTES + 4 * MIB;
    const body = streamedBody(size);
    const response = await boleto(body.stream);
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    // What the pipe between the two buffered, at most, beyond what the Worker read.
    expect(body.pulled()).toBeLessThan(MIB + DRAIN_LIMIT_BYTES + MIB);
  });

  it("never costs the next request: five oversized bodies in a row, then a notification is accepted", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await boleto(streamedBody(2 * MIB).stream);
      expect(response.status).toBe(413);
      await response.arrayBuffer();
    }
    const notification = { Id: uniqueId(), NossoNumeroBoleto: "00012345", StatusBoleto: { Status: 3, DataStatus: "2024-09-05T10:00:00-03:00" } };
    const response = await boleto(JSON.stringify(notification));
    expect(response.status).toBe(202);
  });
});

describe("a body left unread by an early answer", () => {
  it("is read and dropped for a source that does not exist, within the same bound", async () => {
    const body = streamedBody(2 * MIB);
    const response = await SELF.fetch("https://hooks.example.com/hooks/no-such-source", { method: "POST", body: body.stream });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
    expect(body.cancelled()).toBe(false);
    expect(body.pulled()).toBe(2 * MIB);
  });
});
