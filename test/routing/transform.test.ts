import { describe, expect, it } from "vitest";
import { GatewayConfig } from "../../src/config/schema";
import { applyTransform, MAX_RESULT_BYTES, resultProblem } from "../../src/routing/transform";
import { MAX_TRANSFORM_DEPTH, MAX_TRANSFORM_WORK } from "../../src/routing/transform-budget";
import { compileTransform } from "../../src/routing/transform-compile";
import { envelope } from "../delivery/helpers";

/** The language, its refusals and its budget, inside workerd (where JSONata runs without eval or new Function). */

const pix = envelope({
  type: "pix.received",
  data: { endToEndId: "E1234567820240905100000000000001", valor: "99.90", horario: "2024-09-05T13:00:00Z", infoPagador: "pedido 981" },
});

describe("a transform", () => {
  it("sees the envelope and gives its result as JSON text", async () => {
    const outcome = await applyTransform('{"id": id, "amount": $number(data.valor), "kind": type}', pix);
    expect(outcome).toEqual({ ok: true, body: `{"id":${JSON.stringify(pix.id)},"amount":99.9,"kind":"pix.received"}` });
  });

  it("flattens a batch into one row per item", async () => {
    const batch = envelope({
      data: {
        pix: [
          { txid: "a", valor: "1.00" },
          { txid: "b", valor: "2.50" },
        ],
      },
    });
    const outcome = await applyTransform('data.pix.{"txid": txid, "cents": $round($number(valor) * 100)}', batch);
    expect(outcome).toEqual({ ok: true, body: '[{"txid":"a","cents":100},{"txid":"b","cents":250}]' });
  });

  it("is compiled once per expression text", () => {
    expect(compileTransform("data.valor")).toBe(compileTransform("data.valor"));
  });

  it("that does not parse is refused with its position", () => {
    expect(compileTransform('{"a": data.(b + }')).toMatchObject({ ok: false, position: expect.any(Number) });
    const config = GatewayConfig.safeParse({
      sources: { acme: { provider: "generic", auth: [{ type: "none" }] } },
      routes: [{ id: "erp", events: ["*"], url: "https://erp.example/hook", transform: "{ 'a': data.(b + }" }],
    });
    expect(config.success).toBe(false);
    expect(config.error!.issues[0]).toMatchObject({ path: ["routes", 0, "transform"], message: expect.stringMatching(/^position \d+: /) });
  });

  it.each([
    ["a regular expression", "$match(data.infoPagador, /(a+)+b/)", /regular expressions/],
    ["$eval", "$eval(data.code)", /\$eval/],
    ["a wide range", "[1..100000]", /range/],
    ["a range from the payload", "[1..data.n]", /range/],
  ])("using %s is refused at load", (_, text, message) => {
    expect(compileTransform(text)).toMatchObject({ ok: false, message: expect.stringMatching(message) });
  });

  it("on a GET or slack route is refused: there is no envelope body to shape", () => {
    const config = GatewayConfig.safeParse({
      sources: { acme: { provider: "generic", auth: [{ type: "none" }] } },
      routes: [
        { id: "probe", events: ["*"], url: "https://erp.example/hook", method: "GET", transform: "data" },
        { id: "chat", events: ["*"], url: "https://chat.example/hook", format: "slack", transform: "data" },
      ],
    });
    expect(config.error?.issues.map((i) => i.path)).toEqual([
      ["routes", 0, "transform"],
      ["routes", 1, "transform"],
    ]);
  });
});

describe("a transform's result", () => {
  it.each([
    ["nothing matched", "data.missing", "the transform's result is empty (nothing matched)"],
    ["a function", "function($x) { $x }", "the transform's result is not JSON: $ is a function"],
    ["a function in an object", '{"f": $uppercase}', "the transform's result is not JSON: $.f is a function"],
    ["an infinite number", '{"n": 1 / 0}', undefined],
  ])("that is %s is an error with a message", async (_, text, message) => {
    const outcome = await applyTransform(text, pix);
    expect(outcome.ok).toBe(false);
    if (message !== undefined && !outcome.ok) expect(outcome.error).toBe(message);
  });

  it("holding NaN, or nested past the bound, is not JSON", () => {
    expect(resultProblem({ a: [Number.NaN] })).toBe("the transform's result is not JSON: $.a[0] is NaN");
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(resultProblem(deep)).toMatch(/nests deeper than 64/);
  });

  it("built from shared references is stopped at its size bound, not walked 2^40 times", async () => {
    const outcome = await applyTransform("($f := function($a, $n) { $n = 0 ? $a : $f({'l': $a, 'r': $a}, $n - 1) }; $f(1, 40))", pix);
    expect(outcome).toEqual({ ok: false, error: `the transform's result is over ${MAX_RESULT_BYTES} bytes` });
  });
});

describe("a transform's budget", () => {
  it("stops a recursion without end at the depth bound", async () => {
    // Not a tail call (JSONata runs those in a loop): each call waits for the next.
    const outcome = await applyTransform("($f := function($n) { 1 + $f($n + 1) }; $f(0))", pix);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("D1011") });
    expect(MAX_TRANSFORM_DEPTH).toBeLessThan(1000);
  });

  it("stops a loop that stays shallow at the step bound", async () => {
    // Tail calls in a $reduce over a range: each step is shallow, there are simply too many.
    const outcome = await applyTransform("$reduce([1..9999], function($a, $v) { $a + $reduce([1..9999], function($b, $w) { $b + $w }) })", pix);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining(`(T0002): the transform took more than ${MAX_TRANSFORM_WORK} units of work`) });
  });

  it("counts each evaluation apart: two at once both succeed", async () => {
    const text = "$sum([1..1000])";
    const both = await Promise.all([applyTransform(text, pix), applyTransform(text, pix)]);
    expect(both).toEqual([
      { ok: true, body: "500500" },
      { ok: true, body: "500500" },
    ]);
  });

  it("charges a step that makes a long string for its length: a loop over a 1 MiB string is stopped early", async () => {
    const big = envelope({ data: { note: "ab".repeat(512 * 1024) } });
    const outcome = await applyTransform("$sum([1..1000].($length($$.data.note)))", big);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("T0002") });
    // Once is within the budget.
    expect(await applyTransform("$length(data.note)", big)).toEqual({ ok: true, body: String(1024 * 1024) });
    expect(await applyTransform('$length("a😀b")', pix)).toEqual({ ok: true, body: "3" });
  });

  it("keeps $string and $distinct as JSONata has them", async () => {
    const outcome = await applyTransform('{"s": $string({"a": [1, "x"]}), "d": $distinct([1, 1, "1", {"a": 1}, {"a": 1}])}', pix);
    expect(outcome).toEqual({ ok: true, body: '{"s":"{\\"a\\":[1,\\"x\\"]}","d":[1,"1",{"a":1}]}' });
  });

  it("bounds $pad's width", async () => {
    expect(await applyTransform('$pad("x", 1000000000)', pix)).toMatchObject({ ok: false, error: expect.stringContaining("width") });
    expect(await applyTransform('$pad("x", -3, "0")', pix)).toEqual({ ok: true, body: '"00x"' });
  });
});
