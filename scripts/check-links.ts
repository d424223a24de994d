/**
 * `npm run check-links`: README.md, docs/ and examples/ link only to files of the repository
 * (and to headings that exist), and nothing tracked refers to a path outside it. Exit 1 with
 * each broken link, by file and line.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readCommandLine } from "./lib/args";
import { checkLinks } from "./lib/links";

readCommandLine(process.argv.slice(2), {
  help: `npm run check-links

Checks that README.md, docs/ and examples/ link only to files of the repository (and to headings
that exist), and that nothing tracked refers to a path outside it. Exit 1 with each broken link,
by file and line. It takes no arguments.`,
  options: {},
});

const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { encoding: "utf8" })
  .split("\n")
  .filter((path) => path !== "" && existsSync(path));
const isDocument = (path: string) => path.endsWith(".md") && (path === "README.md" || path.startsWith("docs/") || path.startsWith("examples/"));
const isText = (path: string) => /\.(md|ts|js|json|toml|jsonc|txt|html|css|sh)$/.test(path) || path === ".ci/run" || path.startsWith(".dev.vars");

const documents = new Map(tracked.filter(isDocument).map((path) => [path, readFileSync(path, "utf8")] as const));
const others = new Map(
  tracked
    .filter((path) => !isDocument(path) && isText(path) && path !== "package-lock.json" && !path.startsWith("bench/results/"))
    .map((path) => [path, readFileSync(path, "utf8")] as const),
);

const problems = checkLinks(documents, others, existsSync);
for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
if (problems.length > 0) {
  console.error(`check-links: ${problems.length} problem${problems.length === 1 ? "" : "s"} in ${documents.size} documents`);
  process.exitCode = 1;
} else {
  console.log(`check-links: ${documents.size} documents, every link reaches a file of the repository`);
}
