import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/envelope";
import { asJson } from "../../src/ingest/plan";

const envelope = (data: unknown) =>
  ({ specversion: "1.0", id: "s:1", source: "/hooks/s", type: "t", time: "x", datacontenttype: "application/json", receivedat: "x", data }) as Envelope;

describe("an envelope's size", () => {
  it("is its JSON's UTF-8 byte count, for ASCII and for accented and wide characters alike", () => {
    for (const data of ["plain", "é".repeat(1000), "日本語", { emoji: "🧾".repeat(10) }]) {
      const e = envelope(data);
      expect(asJson(e)).toEqual({ json: JSON.stringify(e), size: new TextEncoder().encode(JSON.stringify(e)).byteLength });
    }
  });
});
