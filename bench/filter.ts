/**
 * `npm run bench:filter`: the CPU time of matching a 1 MiB envelope against the largest filter a
 * route may carry (issue 22: under 5 ms). Runs the matcher of src/routing/filter-match.ts in this
 * Node process (V8, the engine workerd runs; workerd's clocks stand still while code runs, so CPU
 * time cannot be read inside it), and writes bench/results/filter.{md,json}.
 *
 * Each case is a 1 MiB envelope (parsed from JSON, as ingest has it) and a filter of
 * MAX_FILTER_NODES values built to do the most work it can: nothing matches early, so every
 * branch is tried. After a warm-up, each match is timed alone with process.cpuUsage().
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { readCommandLine } from "../scripts/lib/args";
import { filterProblems, MAX_FILTER_DEPTH, MAX_FILTER_NODES } from "../src/routing/filter";
import { explainFilter, filterMatches } from "../src/routing/filter-match";
import { MAX_FILTER_WORK } from "../src/routing/filter-operators";
import { ROOT } from "./lib/build";

readCommandLine(process.argv.slice(2), {
  help: `npm run bench:filter

Times matching a 1 MiB envelope against the largest filter a route may carry (goal: under 5 ms
of CPU) in this Node process, and writes bench/results/filter.{md,json}. Exit 1 on a miss.

  -h, --help        this text`,
  options: {},
});

const MIB = 1024 * 1024;
const WARM_UP = 20;
const RUNS = 60;
const GOAL_MS = 5;

interface Case {
  name: string;
  envelope: unknown;
  filter: Record<string, unknown>;
}

function envelopeOf(data: unknown) {
  return { specversion: "1.0", id: "bs2-boleto:bench", source: "/hooks/bs2-boleto", type: "bs2.boleto.settled", time: "2026-12-01T10:00:00-03:00", data };
}

/** Grows a list with `item(i)` until the envelope's JSON reaches 1 MiB, and parses it as ingest would. */
function oneMiB(item: (i: number) => unknown): unknown {
  const items: unknown[] = [];
  let size = JSON.stringify(envelopeOf({ items })).length;
  for (let i = 0; size < MIB; i++) {
    const next = item(i);
    size += JSON.stringify(next).length + 1;
    if (size <= MIB) items.push(next);
  }
  return JSON.parse(JSON.stringify(envelopeOf({ items })));
}

/** `$or` branches from `branch(i)` while the filter stays within MAX_FILTER_NODES. */
function largestOr(branch: (i: number) => unknown): Record<string, unknown> {
  const branches: unknown[] = [];
  while (filterProblems({ $or: [...branches, branch(branches.length)] }).length === 0) branches.push(branch(branches.length));
  return { $or: branches };
}

const boleto = (i: number) => ({
  Id: `6f1c2d9a-0b7e-4c55-9d1e-${String(i).padStart(12, "0")}`,
  NossoNumeroBoleto: String(10_000_000 + i),
  Valor: `${(i % 9000) + 10}.00`,
  Pagador: { Nome: "Maria Souza", Documento: "12345678909" },
  StatusBoleto: { Status: (i % 4) + 1, Descricao: "Boleto registrado", DataStatus: "2026-12-01T10:00:00-03:00" },
  Tags: ["cobranca", "pj"],
});

/** One object of as many small keys as 1 MiB holds (96,000), with `a: 1` among them: finding 28.3. */
function wideMiB(): unknown {
  const data: Record<string, unknown> = { a: 1 };
  let size = JSON.stringify(envelopeOf(data)).length;
  for (let i = 0; size < MIB; i++) {
    const key = `k${i}`;
    size += key.length + 6;
    if (size <= MIB) data[key] = i % 7;
  }
  return JSON.parse(JSON.stringify(envelopeOf(data)));
}

const cases: Case[] = [
  {
    name: "boleto records (3,000 in 1 MiB), each branch a several-field test on every record",
    envelope: oneMiB(boleto),
    filter: largestOr((i) => ({
      data: { items: { StatusBoleto: { Status: 3 }, Valor: { $gte: 100_000 + i }, Pagador: { Documento: { $startsWith: "999" } } } },
    })),
  },
  {
    name: "130,000 one-key objects, each branch looking for a value none holds",
    envelope: oneMiB((i) => ({ a: i % 7 })),
    filter: largestOr((i) => ({ data: { items: { a: 1000 + i } } })),
  },
  {
    name: "130,000 one-key objects, one filter value none holds (one pass)",
    envelope: oneMiB((i) => ({ a: i % 7 })),
    filter: { data: { items: { a: 1000 } } },
  },
  {
    name: "520,000 numbers, a filter array of values none of them is",
    envelope: oneMiB((i) => i % 10),
    filter: { data: { items: Array.from({ length: MAX_FILTER_NODES - 4 }, (_, i) => 100 + i) } },
  },
  {
    name: "1 MiB of text, each branch a $in substring search that fails",
    envelope: JSON.parse(JSON.stringify(envelopeOf({ note: "ab".repeat(MIB / 2 - 100) }))),
    filter: largestOr((i) => ({ data: { note: { $in: `abc${i}` } } })),
  },
  {
    name: "one object of 96,000 keys, $neq with an object operand it holds (issue 28.3)",
    envelope: wideMiB(),
    filter: { data: { $neq: { a: 1 } } },
  },
  {
    name: "one object of 96,000 keys, each branch $eq with an object operand it does not equal (issue 28.3)",
    envelope: wideMiB(),
    filter: largestOr((i) => ({ data: { $eq: { a: 1, b: i } } })),
  },
  {
    name: "260,000 numeric texts, each branch a number none of them is (issue 33.1)",
    envelope: oneMiB((i) => String(i % 100)),
    filter: largestOr((i) => ({ data: { items: 1000 + i } })),
  },
  {
    name: `a filter ${MAX_FILTER_DEPTH} levels deep of $not and $and over one record`,
    envelope: oneMiB(boleto),
    filter: { data: { items: { $not: { $and: [{ StatusBoleto: { $not: { Status: { $in: [1, 2, 4] } } } }, { Valor: { $lt: 0 } }] } } } },
  },
];

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const rows = cases.map(({ name, envelope, filter }) => {
  const problems = filterProblems(filter);
  if (problems.length > 0) throw new Error(`${name}: the filter is not allowed: ${problems[0]!.message}`);
  const nodes = JSON.stringify(filter).length;
  for (let i = 0; i < WARM_UP; i++) filterMatches(filter, envelope);
  const times = Array.from({ length: RUNS }, () => cpuMs(() => filterMatches(filter, envelope))).sort((a, b) => a - b);
  const outcome = explainFilter(filter, envelope);
  const budgeted = !outcome.matches && outcome.reasons[0]?.operator === "(budget)";
  return {
    name,
    filterJsonBytes: nodes,
    matches: outcome.matches,
    budgeted,
    medianMs: round(quantile(times, 0.5)),
    p95Ms: round(quantile(times, 0.95)),
    maxMs: round(times.at(-1)!),
  };
});

const worst = Math.max(...rows.map((r) => r.p95Ms));
const report = {
  date: new Date().toISOString(),
  node: process.version,
  loadAtStart,
  limits: { nodes: MAX_FILTER_NODES, depth: MAX_FILTER_DEPTH, work: MAX_FILTER_WORK },
  goalMs: GOAL_MS,
  worstP95Ms: worst,
  pass: worst < GOAL_MS,
  rows,
};

const md = [
  "# Filter matching: a 1 MiB envelope against the largest allowed filter",
  "",
  `${report.date} · Node ${report.node} (V8) · \`npm run bench:filter\` · ${WARM_UP} warm-up matches, then ${RUNS} timed one by one with process.cpuUsage() · load average at start ${loadAtStart.join(" / ")} (the machine is shared: CPU time grows with its load)`,
  "",
  `Filters of at most ${MAX_FILTER_NODES} values, ${MAX_FILTER_DEPTH} levels deep; a match does at most ${MAX_FILTER_WORK.toLocaleString("en")} units of work (about a nanosecond each).`,
  "",
  "| case | result | median ms | p95 ms | max ms |",
  "|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${r.budgeted ? "no match: work budget" : r.matches ? "match" : "no match"} | ${r.medianMs} | ${r.p95Ms} | ${r.maxMs} |`),
  "",
  `Worst p95: **${worst} ms** CPU (goal < ${GOAL_MS} ms): ${report.pass ? "PASS" : "MISS"}.`,
  "",
].join("\n");

const dir = join(ROOT, "bench/results");
writeFileSync(join(dir, "filter.md"), md);
writeFileSync(join(dir, "filter.json"), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(md);
process.exitCode = report.pass ? 0 : 1;
