import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { configWarnings } from "../../src/config/warnings";
import { filterProblems, MAX_FILTER_NODES } from "../../src/routing/filter";
import { explainFilter, filterMatches } from "../../src/routing/filter-match";
import { watched } from "../helpers";

/**
 * The filter findings of issues 28 and 33, each named for its finding. Work is counted, not
 * timed: an envelope object wrapped in a Proxy tells how often its keys were listed (its
 * `ownKeys` trap), which is what cost 16.8 ms a match on an object of 96,000 keys.
 */

function wideObject(keys: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const object: Record<string, unknown> = { ...extra };
  for (let i = 0; i < keys; i++) object[`k${i}`] = i % 7;
  return object;
}

/** Both matchers: the fast one and the one that explains must agree. */
function both(filter: Record<string, unknown>, envelope: unknown): boolean {
  const fast = filterMatches(filter, envelope);
  expect(explainFilter(filter, envelope).matches).toBe(fast);
  return fast;
}

describe("finding 28.3: $eq and $neq with an object operand do work bounded by the operand, never by the envelope's object", () => {
  it("never lists the keys of the envelope's object, in either matcher, even inside the largest $or", () => {
    const data = watched(wideObject(96_000, { a: 1 }));
    const envelope = { type: "x", data: data.value };
    expect(both({ data: { $neq: { a: 1 } } }, envelope)).toBe(false);
    expect(both({ data: { $eq: { a: 1 } } }, envelope)).toBe(true);
    expect(both({ data: { $neq: { a: 2 } } }, envelope)).toBe(true);
    const branches: unknown[] = [];
    while (filterProblems({ $or: [...branches, { data: { $neq: { a: 1 } } }] }).length === 0) branches.push({ data: { $neq: { a: 1 } } });
    expect(branches.length).toBeGreaterThanOrEqual(30);
    expect(both({ $or: branches }, envelope)).toBe(false);
    expect(data.listings()).toBe(0);
  });

  it("compares arrays element by element only when their lengths are the operand's", () => {
    const list = Array.from({ length: 200_000 }, (_, i) => i);
    const envelope = { data: { list } };
    expect(both({ data: { list: { $eq: [0, 1] } } }, envelope)).toBe(false);
    expect(both({ data: { list: { $neq: [0, 1] } } }, envelope)).toBe(true);
    expect(both({ data: { list: { $eq: list.slice(0, MAX_FILTER_NODES - 8) } } }, { data: { list: list.slice(0, MAX_FILTER_NODES - 8) } })).toBe(true);
  });
});

describe("finding 33.1: a number and text holding it are equal, in every form of equality", () => {
  const boleto = (status: unknown) => ({ type: "bs2.boleto.settled", data: { StatusBoleto: { Status: status } } });

  it('{"Status": 3} and {"Status": {"$eq": 3}} take a status sent as "3"', () => {
    for (const filter of [{ data: { StatusBoleto: { Status: 3 } } }, { data: { StatusBoleto: { Status: { $eq: 3 } } } }]) {
      expect([3, "3", "3.0", "03", " 3", "3x", 4, "4", null].map((s) => both(filter, boleto(s)))).toEqual([
        true,
        true,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
      ]);
    }
    expect(both({ data: { StatusBoleto: { Status: { $neq: 3 } } } }, boleto("3"))).toBe(false);
    expect(both({ data: { valor: "10.00" } }, { data: { valor: 10 } })).toBe(true);
  });

  it("holds for $in and $nin lists, and for arrays of either form; two texts still compare as text", () => {
    expect(both({ data: { StatusBoleto: { Status: { $in: [3, 5] } } } }, boleto("3"))).toBe(true);
    expect(both({ data: { StatusBoleto: { Status: { $in: ["3"] } } } }, boleto(3))).toBe(true);
    expect(both({ data: { StatusBoleto: { Status: { $nin: [3] } } } }, boleto("3"))).toBe(false);
    expect(both({ data: { StatusBoleto: { Status: { $in: ["3.0"] } } } }, boleto("3"))).toBe(false);
    expect(both({ data: { codes: 3 } }, { data: { codes: ["1", "3"] } })).toBe(true);
    expect(both({ data: { codes: "3" } }, { data: { codes: [1, 3] } })).toBe(true);
    expect(both({ data: { codes: { $in: [3] } } }, { data: { codes: ["1", "3"] } })).toBe(true);
    expect(both({ data: { codes: "3" } }, { data: { codes: ["3.0"] } })).toBe(false);
  });

  it("counts reading text as a number against the budget: a long array of numeric text stops at it", () => {
    const envelope = { data: { codes: Array.from({ length: 200_000 }, (_, i) => String(i % 1000)) } };
    expect(explainFilter({ data: { codes: 5000 } }, envelope)).toEqual({ matches: false, reasons: [expect.objectContaining({ operator: "(budget)" })] });
    expect(both({ data: { codes: "999" } }, envelope)).toBe(true);
  });
});

describe('finding 28 (also): a "__proto__" key in a route filter', () => {
  const config = (filter: string) =>
    `{"sources": {"bs2-boleto": {"provider": "bs2-boleto", "auth": [{"type": "none"}]}},
      "routes": [{"id": "finance", "events": ["*"], "url": "https://finance.example/hooks", "filter": ${filter}}]}`;

  it("is refused at load with its path named, at the top and further down", () => {
    const top = parseConfig(config('{"__proto__": {"type": "bs2.boleto.settled"}}'), () => undefined);
    expect(!top.ok && top.problems).toEqual([expect.stringMatching(/^routes\[0\]\.filter\.__proto__: a filter cannot name the field "__proto__"/)]);
    const nested = parseConfig(config('{"data": {"__proto__": {"x": 1}}}'), () => undefined);
    expect(!nested.ok && nested.problems).toEqual([expect.stringMatching(/^routes\[0\]\.filter\.data\.__proto__: /)]);
    const fine = parseConfig(config('{"type": "bs2.boleto.settled"}'), () => undefined);
    expect(fine.ok && fine.config.routes[0]?.filter).toEqual({ type: "bs2.boleto.settled" });
  });
});

describe("finding 33.1: check-config warns when a filter names a raw provider field sent in more than one shape", () => {
  const config = (filter: Record<string, unknown>, sources?: string[]) =>
    JSON.stringify({
      sources: {
        "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "none" }] },
        pix: { provider: "pix", auth: [{ type: "none" }] },
      },
      routes: [{ id: "finance", events: ["*"], url: "https://finance.example/hooks", filter, ...(sources && { sources }) }],
    });
  const warned = (filter: Record<string, unknown>, sources?: string[]) => {
    const loaded = parseConfig(config(filter, sources), () => undefined);
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    return configWarnings(loaded.config);
  };

  it("warns about the old headline filter on StatusBoleto, an object or an array, naming what to filter on instead", () => {
    expect(warned({ data: { StatusBoleto: { Status: 3 } } })).toEqual([
      expect.stringMatching(
        /^routes\[0\]\.filter\.data\.StatusBoleto: bs2-boleto sends StatusBoleto as one object or an array.*"type": "bs2\.boleto\.settled"/,
      ),
    ]);
    expect(warned({ $or: [{ type: "x" }, { data: { StatusBoleto: { $not: { Status: 3 } } } }] })).toHaveLength(1);
  });

  it("warns about a number-or-text field only where its shape changes the answer", () => {
    expect(warned({ data: { Valor: { $gt: 5000 } } })).toEqual([]);
    expect(warned({ data: { Valor: 150.5 } })).toEqual([]);
    expect(warned({ data: { Valor: { $gte: "5000.00" } } })).toEqual([]);
    expect(warned({ data: { Valor: "150.50" } })).toEqual([
      expect.stringContaining("routes[0].filter.data.Valor: bs2-boleto sends Valor as a number or as text"),
    ]);
    expect(warned({ data: { valor: { $startsWith: "1" } } })).toEqual([expect.stringContaining("routes[0].filter.data.valor: pix sends valor")]);
  });

  it("stays quiet for $exist, for the normalized type, and for providers the route's sources do not have", () => {
    expect(warned({ data: { devolucoes: { $exist: false } } })).toEqual([]);
    expect(warned({ type: "bs2.boleto.settled" })).toEqual([]);
    expect(warned({ data: { StatusBoleto: { Status: 3 } } }, ["pix"])).toEqual([]);
    expect(warned({ data: { devolucoes: { status: "DEVOLVIDO" } } }, ["pix"])).toHaveLength(1);
  });
});
