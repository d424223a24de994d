import type { Envelope } from "../../src/envelope";

/** One boleto record of the batch the cases run on. */
export const boleto = (i: number) => ({
  Id: `6f1c2d9a-0b7e-4c55-9d1e-${String(i).padStart(12, "0")}`,
  NossoNumeroBoleto: String(10_000_000 + i),
  SeuNumeroBoleto: `PEDIDO-${i}`,
  Valor: `${(i % 9000) + 10}.00`,
  Pagador: { Nome: "Maria Souza", Documento: "12345678909" },
  StatusBoleto: { Status: (i % 4) + 1, Descricao: "Boleto registrado", DataStatus: "2026-12-01T10:00:00-03:00" },
});

/** A batch of boletos (`data.items`) in `envelopeOf`, as many as keep its JSON within 1 MiB, parsed as the consumer has it. */
export function oneMiBOfBoletos(envelopeOf: (data: unknown) => Envelope): Envelope {
  const items: unknown[] = [];
  let size = JSON.stringify(envelopeOf({ items })).length;
  for (let i = 0; ; i++) {
    const next = boleto(i);
    size += JSON.stringify(next).length + 1;
    if (size > 1024 * 1024) break;
    items.push(next);
  }
  return JSON.parse(JSON.stringify(envelopeOf({ items }))) as Envelope;
}

/**
 * bench/transform.ts's expressions: each built to do the most work it can on a 1 MiB envelope of
 * boleto records (`data.items`). The later ones are what the step count alone did not see (issue
 * #32): one step walking far more than it produces, or a builtin that is quadratic in JSONata.
 */
export const cases: { name: string; expression: string }[] = [
  { name: "an endless loop (tail calls: shallow, only many)", expression: "($f := function($n) { $f($n + 1) }; $f(0))" },
  { name: "an endless recursion (deep)", expression: "($f := function($n) { 1 + $f($n + 1) }; $f(0))" },
  { name: "nested $map over every record, twice", expression: "$map(data.items, function($a) { $map(data.items, function($b) { $b.Valor }) })" },
  { name: "flatten every record (a batch to rows)", expression: 'data.items.{"id": Id, "amount": $number(Valor), "status": StatusBoleto.Status}' },
  { name: "every value in the envelope (**)", expression: "$count(**)" },
  { name: "the whole envelope as text, then its length", expression: "$length($string($))" },
  { name: "sort every record with a comparator", expression: "$sort(data.items, function($l, $r) { $l.Valor > $r.Valor })" },
  { name: "group every record by status", expression: "data.items{$string(StatusBoleto.Status): $sum($number(Valor))}" },
  { name: "a string doubled until the bound", expression: '($f := function($s) { $f($s & $s) }; $f("x"))' },
  { name: "the length of a long text, a thousand times", expression: "$sum([1..1000].($length($string($$.data.items[0]) & $string($$.data.items))))" },
  { name: "distinct records", expression: "$count($distinct(data.items))" },
  { name: "the envelope compared with itself, a thousand times", expression: "$count([1..1000][$$ = $$])" },
  { name: "the whole envelope as the body", expression: "$" },
  { name: "the envelope sixteen times over, as the body", expression: `[${Array(16).fill("$$").join(", ")}]` },
  { name: "the envelope eight times over, as text", expression: `$length($string([${Array(8).fill("$$").join(", ")}]))` },
  { name: "a tree of references to the envelope, as text", expression: "($x := [$$, $$, $$, $$]; $y := [$x, $x, $x, $x]; $length($string($y)))" },
  { name: "the envelope pretty-printed", expression: "$length($string($, true))" },
  { name: "distinct copies of the envelope", expression: `$count($distinct([${Array(8).fill("$$").join(", ")}]))` },
  { name: "every value of the envelope eight times over (**)", expression: `($x := [${Array(8).fill("$$").join(", ")}]; $count($x.**))` },
  { name: "the keys of every record, sixteen times over", expression: "($x := [$$, $$, $$, $$]; $y := [$x, $x, $x, $x]; $keys($y.data.items))" },
  { name: "every field of every record (*)", expression: "$count(data.items.*)" },
  { name: "spread every record into one-key objects", expression: "$count($spread(data.items))" },
  { name: "merge every record", expression: "$count($keys($merge(data.items)))" },
  { name: "sort every amount", expression: "$count($sort(data.items.Valor))" },
  { name: "order every record by amount", expression: "$count(data.items^(Valor))" },
  { name: "replace in the records' text", expression: '$length($replace($string(data.items), "0", "00"))' },
  { name: "split the records' text into characters", expression: '$count($split($string(data.items), ""))' },
  { name: "every record, two hundred times at once (an array's items run together)", expression: `$count([${Array(200).fill("data.items").join(", ")}])` },
  { name: "the envelope, three hundred times at once", expression: `$count([${Array(300).fill("$$").join(", ")}])` },
];
