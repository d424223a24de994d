/**
 * `npm run bench:governed`: only the governed-delivery rows of `npm run bench` (issue 21): builds
 * the gateway, drains the same notifications through a plain, an ordered (100 keys) and a
 * rate-limited route, and writes bench/results/governed.{md,json} (or quick/ for a quick look).
 */
import { join } from "node:path";
import { readCommandLine } from "../scripts/lib/args";
import { buildAll, ROOT } from "./lib/build";
import { LIMITS } from "./lib/config";
import { reportDestination, WRITE_LATEST_FLAG } from "./lib/destination";
import { runBench } from "./lib/entry";
import { governedMarkdown, measureGoverned, writeGoverned } from "./lib/governed";

const { values } = readCommandLine(process.argv.slice(2), {
  help: `npm run bench:governed [-- ${WRITE_LATEST_FLAG}]

Builds the gateway, drains the same notifications through a plain, an ordered (100 keys) and a
rate-limited route under Miniflare, and writes bench/results/governed.{md,json} (quick/ for a
quick look, BENCH_SECONDS below the default). Exit 1 when a delivery was lost or reordered.

  ${WRITE_LATEST_FLAG}    write the committed report even from a quick look
  -h, --help        this text`,
  options: { "write-latest": { type: "boolean", default: false } },
});

async function main(): Promise<number> {
  const builds = await buildAll();
  const report = await measureGoverned(builds.gateway, (line) => console.log(`bench: ${line}`));
  const destination = reportDestination(LIMITS.cellSeconds, values["write-latest"] ? [WRITE_LATEST_FLAG] : []);
  writeGoverned(join(ROOT, destination.dir), report);
  console.log(governedMarkdown(report));
  return report.rows.every((r) => r.complete && r.outOfOrderKeys === 0) ? 0 : 1;
}

await runBench(main);
