import { describe, expect, it } from "vitest";
import { cellSecondsFrom, reportDestination } from "../../bench/lib/destination";
import { signatureLabel } from "../../scripts/lib/sink-label";

describe("the demo sink's signature label", () => {
  it("says unsigned for a delivery without a signature, and mismatch only for a wrong one", () => {
    const never = () => {
      throw new Error("nothing to verify");
    };
    expect(signatureLabel("whsec_x", "", never)).toBe("unsigned");
    expect(signatureLabel(undefined, "", never)).toBe("unsigned");
    expect(signatureLabel("whsec_x", "v1,AAAA", () => false)).toBe("SIGNATURE MISMATCH");
    expect(signatureLabel("whsec_x", "v1,AAAA", () => true)).toBe("signature ok");
    expect(signatureLabel(undefined, "v1,AAAA", never)).toBe("signed, not checked");
  });
});

describe("where the bench writes its report", () => {
  it("writes the committed report from a full run, or with --write-latest", () => {
    expect(reportDestination(cellSecondsFrom(undefined), [])).toMatchObject({ dir: "bench/results", committed: true });
    expect(reportDestination(cellSecondsFrom("10"), [])).toMatchObject({ dir: "bench/results", committed: true });
    expect(reportDestination(cellSecondsFrom("1"), ["--write-latest"])).toMatchObject({ dir: "bench/results", committed: true });
  });

  it("sends a quick look elsewhere and says so", () => {
    for (const seconds of ["1", "2", "3"]) {
      const destination = reportDestination(cellSecondsFrom(seconds), []);
      expect(destination).toMatchObject({ dir: "bench/results/quick", committed: false });
      expect(destination.note).toContain("quick look");
      expect(destination.note).toContain("not the committed report");
    }
  });

  it("reads BENCH_SECONDS as 1 to 10 seconds, the default otherwise", () => {
    expect([undefined, "", "x", "0", "1", "0.5", "4", "99"].map(cellSecondsFrom)).toEqual([4, 4, 4, 4, 1, 1, 4, 10]);
  });
});
