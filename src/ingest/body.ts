import { GatewayError } from "../errors";

/**
 * Reads the raw body once, never buffering more than `limit` bytes: a declared
 * Content-Length over the limit is refused before reading, and a streamed body is cut
 * off (and its stream cancelled) the moment it passes the limit.
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

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
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
 * An early answer (401, 403, 404, 405) leaves the body unread; workerd then drops the
 * keep-alive connection. Cancelling the stream lets the connection be reused.
 */
export async function discardBody(request: Request): Promise<void> {
  if (request.body !== null && !request.bodyUsed) await request.body.cancel().catch(() => {});
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError("payload_too_large", `the body is larger than ${limit} bytes`);
}
