import jsonata from "jsonata";
import { describe, expect, it } from "vitest";
import { oneMiBOfBoletos } from "../../bench/lib/transform-cases";
import { applyTransform, MAX_RESULT_BYTES } from "../../src/routing/transform";
import { compileTransform } from "../../src/routing/transform-compile";
import { envelope } from "../delivery/helpers";

/**
 * What the step count alone did not see (issue #32: no evaluation over 10 ms of CPU on a 1 MiB
 * envelope): one step that walks far more than it produces, or a builtin that is quadratic in
 * JSONata. Each ends as an error the consumer keeps as a `transform_failed` dead letter; the
 * time is bench/transform.ts's to measure, not a test's. The replaced builtins give JSONata's own
 * answers.
 */

const big = oneMiBOfBoletos((data) => envelope({ data }));
const copies = (n: number, of = "$$") => Array(n).fill(of).join(", ");
const BUDGET = /\(T0002\): the transform took more than 2000 units of work$/;

describe("on a 1 MiB envelope, a transform that one step would spend without bound on", () => {
  it.each([
    ["the envelope eight times over, as text", `$length($string([${copies(8)}]))`],
    ["a tree of references to the envelope, as text", "($x := [$$, $$, $$, $$]; $y := [$x, $x, $x, $x]; $length($string($y)))"],
    ["the envelope pretty-printed", "$length($string($, true))"],
    ["distinct copies of the envelope", `$count($distinct([${copies(8)}]))`],
    ["every value of the envelope (**)", "$count(**)"],
    ["every value of the envelope eight times over (**)", `($x := [${copies(8)}]; $count($x.**))`],
    ["the keys of every record, sixteen times over", "($x := [$$, $$, $$, $$]; $y := [$x, $x, $x, $x]; $keys($y.data.items))"],
    ["every field of every record (*)", "$count(data.items.*)"],
    ["every record looked up sixteen times over", "($x := [$$, $$, $$, $$]; $y := [$x, $x, $x, $x]; $count($lookup($y.data.items, 'Valor')))"],
    ["replace in the records' text", '$length($replace($string(data.items), "0", "00"))'],
    ["split the records' text into characters", '$count($split($string(data.items), ""))'],
    ["sort every amount", "$count($sort(data.items.Valor))"],
    ["sort every record with a comparator", "$count($sort(data.items, function($l, $r) { $l.Valor > $r.Valor }))"],
  ])("is stopped by the work budget: %s", async (_, text) => {
    const outcome = await applyTransform(text, big);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(BUDGET);
  });

  it.each([
    ["every record, two hundred times at once", `$count([${copies(200, "data.items")}])`],
    ["the envelope, three hundred times at once", `$count([${copies(300)}])`],
  ])("is stopped by the depth bound, which counts an array's items evaluated together: %s", async (_, text) => {
    const outcome = await applyTransform(text, big);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/\((D1011|T0002)\)/) });
  });

  it("is stopped by the result's bound: the envelope sixteen times over as the body", async () => {
    expect(await applyTransform(`[${copies(16)}]`, big)).toEqual({ ok: false, error: `the transform's result is over ${MAX_RESULT_BYTES} bytes` });
  });

  it("is refused at load when it orders by (^(…)), which JSONata sorts outside the budget's hooks", () => {
    expect(compileTransform("data.items^(Valor)")).toMatchObject({ ok: false, message: expect.stringContaining("$sort") });
  });

  it("still runs what a route typically asks of it", async () => {
    const items = (big.data as { items: unknown[] }).items;
    expect(await applyTransform("$", big)).toEqual({ ok: true, body: JSON.stringify(big) });
    expect(await applyTransform('{"count": $count(data.items), "first": data.items[0].NossoNumeroBoleto}', big)).toEqual({
      ok: true,
      body: JSON.stringify({ count: items.length, first: "10000000" }),
    });
    expect(await applyTransform("$keys(data.items[0])", big)).toMatchObject({ ok: true });
    expect(await applyTransform("$length($string(data.items[0]))", big)).toEqual({ ok: true, body: String(JSON.stringify(items[0]).length) });
  });
});

describe("the replaced builtins", () => {
  const small = envelope({
    data: {
      itens: [{ sku: "B-7", qtd: 1, preco: "99.90", tags: ["a", "b"] }, { sku: "A-1", qtd: 2, preco: "10.50", "10": "x", "2": "y" }, [{ sku: "C-3", qtd: 5 }]],
      nota: "pedido 981, pedido 982",
    },
  });

  it.each([
    "$keys(data.itens)",
    "$keys(data.itens[0])",
    "$keys(data.nota)",
    "$lookup(data.itens, 'sku')",
    "$lookup(data.itens[0], 'qtd')",
    "$merge(data.itens[[0, 1]])",
    "$spread(data.itens)",
    "$spread(data.itens[0])",
    "$spread([])",
    "$split(data.nota, ', ')",
    "$split(data.nota, ' ', 2)",
    "$split(data.nota, '')",
    "$replace(data.nota, 'pedido', 'order')",
    "$replace(data.nota, 'pedido', 'order', 1)",
    "$sort([3, 1, 2, 1])",
    "$sort(['b', 'a', 'c'])",
    "$sort(data.itens[[0, 1]], function($l, $r) { $l.qtd < $r.qtd })",
    "$sort([5, 3, 9, 1, 7, 3, 8], function($l, $r) { $l > $r })",
    '$string({"a": [1, "x"]})',
    "$distinct([1, 1, '1', 2])",
  ])("%s gives JSONata's own answer", async (text) => {
    const expected = await jsonata(text).evaluate(small);
    const same =
      expected === undefined ? { ok: false, error: "the transform's result is empty (nothing matched)" } : { ok: true, body: JSON.stringify(expected) };
    expect(await applyTransform(text, small)).toEqual(same);
  });

  it("take a string where JSONata would take a function matcher", async () => {
    const outcome = await applyTransform("$replace(data.nota, 'pedido', function($m) { 'x' })", small);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("$replace's replacement is a string") });
  });
});
