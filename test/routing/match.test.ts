import { describe, expect, it } from "vitest";
import type { Envelope } from "../../src/envelope";
import { matchesEvent, routeMatches } from "../../src/routing/match";

describe("event globs", () => {
  it("match everything with *, and exactly without a star", () => {
    expect(matchesEvent("*", "bs2.boleto.paid")).toBe(true);
    expect(matchesEvent("ns.bpe.rejected", "ns.bpe.rejected")).toBe(true);
    expect(matchesEvent("ns.bpe.rejected", "ns.bpe.rejected.late")).toBe(false);
  });

  it("let * stand for any run of characters, dots included", () => {
    expect(matchesEvent("bs2.boleto.*", "bs2.boleto.settled")).toBe(true);
    expect(matchesEvent("bs2.boleto.*", "bs2.boletos.settled")).toBe(false);
    expect(matchesEvent("bs2.*.settled", "bs2.boleto.settled")).toBe(true);
    expect(matchesEvent("pix.refund.*", "pix.received")).toBe(false);
    expect(matchesEvent("*.paid", "bmp.proposal.paid")).toBe(true);
  });

  it("treat every other character literally, regular-expression characters included", () => {
    expect(matchesEvent("a+b.*", "a+b.x")).toBe(true);
    expect(matchesEvent("a+b.*", "aab.x")).toBe(false);
    expect(matchesEvent("a.b*", "axb")).toBe(false);
    expect(matchesEvent("(x)*", "(x)y")).toBe(true);
  });

  it("need the prefix, the suffix and the pieces between in order, without overlapping", () => {
    expect(matchesEvent("a*b*c", "abc")).toBe(true);
    expect(matchesEvent("a*b*c", "axxbyyc")).toBe(true);
    expect(matchesEvent("a*b*c", "acb")).toBe(false);
    expect(matchesEvent("ab*ba", "aba")).toBe(false);
    expect(matchesEvent("a**b", "ab")).toBe(true);
  });

  it("answer for a very long provider-chosen type that almost matches a many-star glob", () => {
    const type = ".".repeat(200_000);
    expect(matchesEvent("*.*.*.x", type)).toBe(false);
    expect(matchesEvent("*.*.*.x", `${type}x`)).toBe(true);
  });
});

describe("a route", () => {
  const envelope = { type: "bs2.boleto.paid" } as Envelope;

  it("takes an envelope whose type matches one of its globs", () => {
    expect(routeMatches({ events: ["ns.*", "bs2.boleto.*"] }, "bs2-boleto", envelope)).toBe(true);
    expect(routeMatches({ events: ["ns.*"] }, "bs2-boleto", envelope)).toBe(false);
  });

  it("takes only its listed sources when it lists any", () => {
    expect(routeMatches({ events: ["*"], sources: ["bs2-boleto"] }, "bs2-boleto", envelope)).toBe(true);
    expect(routeMatches({ events: ["*"], sources: ["other"] }, "bs2-boleto", envelope)).toBe(false);
  });
});
