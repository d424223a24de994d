import { GatewayError } from "../errors";

/**
 * How much of a refused body is read and dropped before its stream is cancelled. A body left
 * unread breaks the kept-alive connection it came on when the Worker is reached through
 * workerd's own fetch(): wrangler dev's proxy (`npm start`) and the test pool do that, and
 * the next request on the connection failed ("Network connection lost", answered 503 "Your
 * worker restarted mid-request"; workerd issue #1741). Reading the rest, to a bound, keeps the
 * connection in step; nothing of it is kept, and a larger body is cancelled as before.
 */
export const DRAIN_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Reads the raw body once, never buffering more than `limit` bytes: a declared
 * Content-Length over the limit is refused before reading, and a streamed body is cut
 * off the moment it passes the limit (its rest dropped, see DRAIN_LIMIT_BYTES).
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    throw tooLarge(limit);
  }
  if (request.body === null) return new Uint8Array(0);
  // A request off the network with a Content-Length is framed by it: the runtime delivers
  // exactly that many bytes, so the native read is safe and much cheaper than a JS loop.
  // A body without one (chunked) is counted as it streams.
  if (declared !== null && /^\d+$/.test(declared)) {
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > limit) throw tooLarge(limit);
    return body;
  }

  const body = await readAtMost(request.body, limit, drain);
  if (body === undefined) throw tooLarge(limit);
  return body;
}

/**
 * A stream's bytes, counted as they come, or undefined the moment they pass `limit`: the
 * reader is then handed to `over` (to drain or cancel the rest). Never holds more than `limit`.
 */
export async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  over: (reader: ReadableStreamDefaultReader<Uint8Array>) => Promise<void>,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await over(reader);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * An early answer (401, 403, 404, 405, 413) leaves the body unread; its rest is read and
 * dropped, up to DRAIN_LIMIT_BYTES, so the connection it came on can be reused.
 */
export async function discardBody(request: Request): Promise<void> {
  if (request.body !== null && !request.bodyUsed) await drain(request.body.getReader());
}

/** Reads and drops what is left, then cancels past the bound; never throws. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    let left = DRAIN_LIMIT_BYTES;
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A client that went away: nothing to keep in step.
  }
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError("payload_too_large", `the body is larger than ${limit} bytes`);
}
