import { describe, expect, it } from "vitest";
import { anchorsOf, checkLinks } from "../../scripts/lib/links";

const files = new Set(["README.md", "docs/README.md", "docs/deploy.md", "demo/config.json", "examples/receiver/README.md"]);
const exists = (path: string) => files.has(path) || [...files].some((f) => f.startsWith(`${path}/`));
// Built, so this file does not itself refer outside the repository.
const OUTSIDE = `${".."}/shared/docs/contract.md`;

function check(documents: Record<string, string>, others: Record<string, string> = {}) {
  return checkLinks(new Map(Object.entries(documents)), new Map(Object.entries(others)), exists);
}

describe("the link checker", () => {
  it("takes links that reach files of the repository, relative to the linking file, and web links", () => {
    expect(
      check({
        "README.md": "See [deploy](docs/deploy.md), [the demo](demo/config.json), [docs](docs/) and [site](https://example.com/x.md).",
        "docs/README.md": "[Back](../README.md) · [receiver](../examples/receiver/README.md) · [ref]\n\n[ref]: deploy.md",
      }),
    ).toEqual([]);
  });

  it("names a link to a file that does not exist, by file and line", () => {
    expect(check({ "docs/README.md": "# Docs\n\n- [Event log](event-log.md)" })).toEqual([
      { file: "docs/README.md", line: 3, message: "event-log.md: no such file in the repository" },
    ]);
  });

  it(`refuses a link outside the repository and any mention of ${OUTSIDE}, in code too`, () => {
    expect(check({ "README.md": `The contract is [here](${OUTSIDE}).` }, { "src/x.ts": `// see ${OUTSIDE}` })).toEqual([
      { file: "README.md", line: 1, message: "refers to a path outside the repository" },
      { file: "src/x.ts", line: 1, message: "refers to a path outside the repository" },
      { file: "README.md", line: 1, message: `${OUTSIDE}: points outside the repository` },
    ]);
  });

  it("checks that a linked heading exists", () => {
    const documents = {
      "docs/deploy.md": "# Deploy\n\n## One command: `npm run setup`\n",
      "README.md": "[a](docs/deploy.md#one-command-npm-run-setup) [b](docs/deploy.md#nope) [c](#top)",
    };
    expect(check(documents).map((p) => p.message)).toEqual([
      'docs/deploy.md#nope: no heading "#nope" in docs/deploy.md',
      '#top: no heading "#top" in README.md',
    ]);
  });

  it("ignores links inside code blocks", () => {
    expect(check({ "README.md": "```md\n[x](missing.md)\n```\n" })).toEqual([]);
  });

  it("makes anchors the way GitHub does", () => {
    expect([...anchorsOf("# Client certificates (mTLS) on Cloudflare\n## Local secrets: `.dev.vars`\n## Notes\n## Notes")]).toEqual([
      "client-certificates-mtls-on-cloudflare",
      "local-secrets-devvars",
      "notes",
      "notes-1",
    ]);
  });
});
