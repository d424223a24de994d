import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../src/adapters/json-limits";
import { call, MAX_PSP_ANSWER_BYTES, PspError } from "../../src/reconcile/psp";

// Issue 19, finding 10: what a PSP answers is read within the bounds a webhook's body is: a
// size cap while streaming, and the nesting check before parsing. (Parsed JSON of at most
// 10 MiB always serializes again within what an envelope may hold.)

const MIB = 1024 * 1024;

/** A 200 answer streamed in 64 KiB chunks of `fill`; `pulled()` says how much was read. */
function streamedAnswer(size: number, fill = 0x20) {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, size - sent)).fill(fill);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { response: new Response(body, { status: 200 }), pulled: () => sent };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PspError);
  return (error as PspError).code;
}

describe("a PSP's answer", () => {
  it("is refused as too_large once it passes the cap, without reading the rest", async () => {
    const answer = streamedAnswer(MAX_PSP_ANSWER_BYTES + 20 * MIB);
    expect(await codeOf(call(async () => answer.response, "https://pix.psp.test/api/v2/pix", {}, "unauthorized"))).toBe("too_large");
    expect(answer.pulled()).toBeLessThan(MAX_PSP_ANSWER_BYTES + 2 * MIB);
  });

  it("is garbage when it nests deeper than a webhook body may, before it is parsed", async () => {
    const deep = `{"pix":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(await codeOf(call(async () => new Response(deep), "https://pix.psp.test/api/v2/pix", {}, "unauthorized"))).toBe("garbage");
    const within = `{"pix":${"[".repeat(MAX_JSON_DEPTH - 1)}${"]".repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(await call(async () => new Response(within), "https://pix.psp.test/api/v2/pix", {}, "unauthorized")).toHaveProperty("pix");
  });
});
