import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";
import { filterProblems, MAX_FILTER_DEPTH, MAX_FILTER_NODES, MAX_FILTER_STRING } from "../../src/routing/filter";
import { explainFilter, filterMatches } from "../../src/routing/filter-match";

/** A BS2 boleto envelope as delivered (the adapter's payload under data). */
const boleto = (status: unknown) => ({
  specversion: "1.0",
  id: `bs2-boleto:6f1c2d9a:${String(status)}`,
  source: "/hooks/bs2-boleto",
  type: "bs2.boleto.settled",
  subject: "00012345",
  time: "2024-09-05T10:00:00-03:00",
  datacontenttype: "application/json",
  receivedat: "2024-09-05T13:00:01.000Z",
  data: {
    NossoNumeroBoleto: "00012345",
    Valor: "150.00",
    StatusBoleto: { Status: status, Descricao: "Boleto liquidado", DataStatus: "2024-09-05T10:00:00-03:00" },
  },
});

/** A Pix envelope: Pix amounts are strings. */
const pix = (valor: string, extra: Record<string, unknown> = {}) => ({
  specversion: "1.0",
  id: `pix:E${valor}`,
  source: "/hooks/pix",
  type: "pix.received",
  datacontenttype: "application/json",
  data: { endToEndId: "E1234", valor, chave: "financeiro@example.com", ...extra },
});

/** The fast matcher's answer, held to the explaining matcher's: both must say the same. */
const matches = (filter: Record<string, unknown>, envelope: unknown) => {
  const fast = filterMatches(filter, envelope);
  const explained = explainFilter(filter, envelope);
  expect(explained.matches, JSON.stringify(filter)).toBe(fast);
  if (!explained.matches) expect(explained.reasons.length, JSON.stringify(filter)).toBeGreaterThan(0);
  return fast;
};

describe("a route filter, with known answers", () => {
  it('takes boleto status 3 only ("money credited")', () => {
    const filter = { data: { StatusBoleto: { Status: 3 } } };
    expect([1, 2, 3, 4].map((s) => matches(filter, boleto(s)))).toEqual([false, false, true, false]);
    // A number and text holding it are equal: BS2 sends the status either way.
    expect(matches(filter, boleto("3"))).toBe(true);
    expect(matches(filter, boleto("3x"))).toBe(false);
  });

  it("compares a Pix amount held as text with a number, as a number", () => {
    const filter = { data: { valor: { $gte: 10000 } } };
    expect(matches(filter, pix("10000.00"))).toBe(true);
    expect(matches(filter, pix("25000.50"))).toBe(true);
    expect(matches(filter, pix("9999.99"))).toBe(false);
    // As text, "9999.99" > "10000" would hold: the comparison is numeric.
    expect(matches({ data: { valor: { $gt: "10000" } } }, pix("9999.99"))).toBe(false);
    expect(matches({ data: { valor: { $gt: 10000 } } }, pix("10000.00"))).toBe(false);
    expect(matches({ data: { valor: { $lt: 10000 } } }, pix("9999.99"))).toBe(true);
    expect(matches({ data: { valor: { $lte: "10000.00" } } }, pix("10000"))).toBe(true);
    // Text that is not a number does not compare with a number.
    expect(matches({ data: { valor: { $gt: 1 } } }, pix("R$ 10,00"))).toBe(false);
  });

  it("inverts $in with $not: everything but these statuses", () => {
    const filter = { data: { StatusBoleto: { Status: { $not: { $in: [1, 4] } } } } };
    expect([1, 2, 3, 4].map((s) => matches(filter, boleto(s)))).toEqual([false, true, true, false]);
    expect(matches({ $not: { source: "/hooks/demo" } }, { source: "/hooks/demo" })).toBe(false);
    expect(matches({ $not: { source: "/hooks/demo" } }, boleto(3))).toBe(true);
  });

  it("takes a missing field under $exist: false, and refuses a present one (null is present)", () => {
    const filter = { data: { devolucoes: { $exist: false } } };
    expect(matches(filter, pix("10.00"))).toBe(true);
    expect(matches(filter, pix("10.00", { devolucoes: [] }))).toBe(false);
    expect(matches(filter, pix("10.00", { devolucoes: null }))).toBe(false);
    expect(matches({ data: { devolucoes: { $exist: true } } }, pix("10.00"))).toBe(false);
    expect(matches({ data: { devolucoes: { $exist: true } } }, pix("10.00", { devolucoes: null }))).toBe(true);
  });

  it("$eq and $neq compare values, arrays element by element, and the fields an object operand lists; a missing field is neither", () => {
    const envelope = { data: { a: 1, o: { x: [1, 2], y: "z" } } };
    expect(matches({ data: { a: { $eq: 1 } } }, envelope)).toBe(true);
    expect(matches({ data: { o: { $eq: { y: "z", x: [1, 2] } } } }, envelope)).toBe(true);
    // The fields the operand lists: the object's others are not looked at.
    expect(matches({ data: { o: { $eq: { x: [1, 2] } } } }, envelope)).toBe(true);
    expect(matches({ data: { o: { $eq: { x: [1] } } } }, envelope)).toBe(false);
    expect(matches({ data: { o: { $eq: { x: [2, 1] } } } }, envelope)).toBe(false);
    expect(matches({ data: { o: { $eq: { w: 1 } } } }, envelope)).toBe(false);
    expect(matches({ data: { o: { $neq: { y: "other" } } } }, envelope)).toBe(true);
    expect(matches({ data: { a: { $neq: 2 } } }, envelope)).toBe(true);
    expect(matches({ data: { a: { $neq: 1 } } }, envelope)).toBe(false);
    expect(matches({ data: { gone: { $neq: 1 } } }, envelope)).toBe(false);
    expect(matches({ data: { gone: { $eq: null } } }, envelope)).toBe(false);
  });

  it("$in and $nin test a list, or text within text, or an array's elements", () => {
    expect(matches({ type: { $in: ["pix.received", "pix.refund"] } }, pix("1"))).toBe(true);
    expect(matches({ type: { $in: ["pix.refund"] } }, pix("1"))).toBe(false);
    expect(matches({ type: { $nin: ["pix.refund"] } }, pix("1"))).toBe(true);
    expect(matches({ type: { $nin: ["pix.received"] } }, pix("1"))).toBe(false);
    expect(matches({ data: { chave: { $in: "@example.com" } } }, pix("1"))).toBe(true);
    expect(matches({ data: { chave: { $nin: "@example.com" } } }, pix("1"))).toBe(false);
    expect(matches({ data: { tags: { $in: ["b", "x"] } } }, { data: { tags: ["a", "b"] } })).toBe(true);
    expect(matches({ data: { tags: { $nin: ["x", "y"] } } }, { data: { tags: ["a", "b"] } })).toBe(true);
    expect(matches({ data: { gone: { $nin: ["x"] } } }, { data: {} })).toBe(false);
  });

  it("$gt, $gte, $lt and $lte compare numbers, and text with text (ISO dates order right)", () => {
    const envelope = { time: "2024-09-05T10:00:00-03:00", data: { n: 5 } };
    expect([{ $gt: 4 }, { $gt: 5 }, { $gte: 5 }, { $lt: 6 }, { $lt: 5 }, { $lte: 5 }].map((op) => matches({ data: { n: op } }, envelope))).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
    ]);
    expect(matches({ time: { $gte: "2024-09-01" } }, envelope)).toBe(true);
    expect(matches({ time: { $lt: "2024-09-01" } }, envelope)).toBe(false);
    expect(matches({ data: { n: { $gt: "abc" } } }, envelope)).toBe(false);
    expect(matches({ data: { gone: { $lt: 10 } } }, envelope)).toBe(false);
  });

  it("$startsWith and $endsWith test text only", () => {
    expect(matches({ type: { $startsWith: "bs2.boleto." } }, boleto(3))).toBe(true);
    expect(matches({ type: { $startsWith: "pix." } }, boleto(3))).toBe(false);
    expect(matches({ data: { chave: { $endsWith: "@example.com" } } }, pix("1"))).toBe(true);
    expect(matches({ data: { StatusBoleto: { Status: { $startsWith: "3" } } } }, boleto(3))).toBe(false);
  });

  it("$and needs every filter, $or one, over the value at their place", () => {
    const band = { data: { valor: { $and: [{ $gte: 100 }, { $lt: 1000 }] } } };
    expect(["99.99", "100.00", "999.99", "1000.00"].map((v) => matches(band, pix(v)))).toEqual([false, true, true, false]);
    const either = { $or: [{ data: { StatusBoleto: { Status: 3 } } }, { type: { $startsWith: "pix." } }] };
    expect([matches(either, boleto(3)), matches(either, pix("1")), matches(either, boleto(2))]).toEqual([true, true, false]);
    expect(matches({ data: { StatusBoleto: { Status: { $or: [2, 3] } } } }, boleto(2))).toBe(true);
  });

  it("matches plain values, nested objects and arrays as Hookdeck does", () => {
    const order = { data: { items: [{ id: 456, title: "My product" }, { id: 7 }], tags: ["gift", "something", "another"] } };
    expect(matches({ data: { tags: "gift" } }, order)).toBe(true);
    expect(matches({ data: { tags: ["gift", "another"] } }, order)).toBe(true);
    expect(matches({ data: { tags: ["gift", "missing"] } }, order)).toBe(false);
    expect(matches({ data: { items: { id: 456 } } }, order)).toBe(true);
    expect(matches({ data: { items: { id: 456, title: "Other" } } }, order)).toBe(false);
    expect(matches({ data: { items: [{ id: 7 }, { id: 456 }] } }, order)).toBe(true);
    expect(matches({ data: { tags: ["gift"] } }, { data: { tags: "gift" } })).toBe(false);
    expect(matches({ data: { gone: "x" } }, order)).toBe(false);
    expect(matches({ data: { items: { id: 456 } } }, { data: "text" })).toBe(false);
    expect(matches({}, order)).toBe(true);
  });
});

describe("a filter's work", () => {
  it("covers one pass over a long array, and stops at its budget when many values fan out over it, saying so", () => {
    const envelope = { data: { items: Array.from({ length: 130_000 }, (_, i) => ({ a: i % 7 })) } };
    expect(matches({ data: { items: { a: 6 } } }, envelope)).toBe(true);
    expect(matches({ data: { items: { a: 7 } } }, envelope)).toBe(false);
    const many = { $or: Array.from({ length: 30 }, (_, i) => ({ data: { items: { a: 1000 + i } } })) };
    expect(filterProblems(many)).toEqual([]);
    expect(filterMatches(many, envelope)).toBe(false);
    expect(explainFilter(many, envelope)).toEqual({ matches: false, reasons: [expect.objectContaining({ operator: "(budget)" })] });
  });
});

describe("why a filter does not match", () => {
  it("names the path, the operator, what was expected and what was there", () => {
    expect(explainFilter({ data: { StatusBoleto: { Status: 3 } } }, boleto(2))).toEqual({
      matches: false,
      reasons: [{ path: "data.StatusBoleto.Status", operator: "equals", expected: 3, actual: "2" }],
    });
    expect(explainFilter({ data: { valor: { $gte: 10000 }, gone: "x" } }, pix("10.00"))).toEqual({
      matches: false,
      reasons: [
        { path: "data.valor", operator: "$gte", expected: 10000, actual: '"10.00"' },
        { path: "data.gone", operator: "equals", expected: "x", actual: "missing" },
      ],
    });
    expect(explainFilter({ data: { items: { id: 1 } } }, { data: { items: [{ id: 2 }] } })).toMatchObject({
      reasons: [{ path: "data.items", operator: "contains", actual: "an array of 1" }],
    });
    expect(explainFilter({ data: { StatusBoleto: { Status: 3 } } }, boleto(3))).toEqual({ matches: true });
  });

  it("says $not and $or failed as a whole, without the inner reasons that made them fail", () => {
    expect(explainFilter({ type: { $not: { $startsWith: "bs2." } } }, boleto(3))).toEqual({
      matches: false,
      reasons: [{ path: "type", operator: "$not", expected: { $startsWith: "bs2." }, actual: '"bs2.boleto.settled"' }],
    });
  });
});

describe("a filter is checked when loaded", () => {
  it("names the path and the operator of what is wrong", () => {
    expect(filterProblems({ data: { valor: { $gte: 1 } } })).toEqual([]);
    expect(filterProblems({ data: { valor: { $greater: 1 } } })).toEqual([
      { path: ["data", "valor", "$greater"], message: expect.stringContaining('unknown operator "$greater"') },
    ]);
    expect(filterProblems({ data: { valor: { $gt: [1] } } })).toEqual([{ path: ["data", "valor", "$gt"], message: "$gt expects a number or a string" }]);
    expect(filterProblems({ data: { $in: [{ a: 1 }] } })[0]).toMatchObject({ path: ["data", "$in"], message: expect.stringContaining("$in expects") });
    expect(filterProblems({ $or: [] })[0]).toMatchObject({ path: ["$or"], message: expect.stringContaining("$or expects a non-empty array") });
    expect(filterProblems({ data: { $exist: "yes" } })[0]).toMatchObject({ message: "$exist expects true or false" });
    expect(filterProblems({ data: { x: 1, $gt: 2 } })[0]).toMatchObject({
      path: ["data", "$gt"],
      message: expect.stringContaining("cannot sit beside field names"),
    });
    // An $eq operand is a literal value: keys starting with $ are not operators there.
    expect(filterProblems({ data: { $eq: { $weird: 1 } } })).toEqual([]);
  });

  it("refuses a filter deeper, larger or longer than the bounds", () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_FILTER_DEPTH; i++) deep = { a: deep };
    expect(filterProblems(deep)[0]?.message).toContain(`at most ${MAX_FILTER_DEPTH} levels deep`);
    const wide = { data: { $in: Array.from({ length: MAX_FILTER_NODES }, (_, i) => i) } };
    expect(filterProblems(wide)[0]?.message).toContain(`at most ${MAX_FILTER_NODES} values`);
    expect(filterProblems({ data: "x".repeat(MAX_FILTER_STRING + 1) })[0]?.message).toContain(`at most ${MAX_FILTER_STRING} characters`);
    expect(filterProblems({ data: "x".repeat(MAX_FILTER_STRING) })).toEqual([]);
  });

  it("in the config, where the problem is named by its full path", () => {
    const config = {
      sources: { "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "none" }] } },
      routes: [{ id: "finance", events: ["bs2.boleto.*"], url: "https://finance.example/hooks", filter: { data: { StatusBoleto: { Status: { $eqq: 3 } } } } }],
    };
    const loaded = parseConfig(JSON.stringify(config), () => undefined);
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.problems).toEqual([expect.stringMatching(/^routes\[0\]\.filter\.data\.StatusBoleto\.Status\.\$eqq: unknown operator "\$eqq"/)]);
  });

  it('keeps a {"secret": ...} in a filter as a literal, never reading the secret', () => {
    const config = {
      sources: { "bs2-boleto": { provider: "bs2-boleto", auth: [{ type: "none" }] } },
      routes: [{ id: "finance", events: ["*"], url: "https://finance.example/hooks", filter: { data: { token: { secret: "ADMIN_TOKEN" } } } }],
    };
    const read: string[] = [];
    const loaded = parseConfig(JSON.stringify(config), (name) => {
      read.push(name);
      return "s3cret";
    });
    expect(read).toEqual([]);
    expect(loaded.ok && loaded.config.routes[0]?.filter).toEqual({ data: { token: { secret: "ADMIN_TOKEN" } } });
  });
});
