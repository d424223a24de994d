import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// `npm install` on a fresh clone, under the Node the README names, prints no EBADENGINE: every
// package the lockfile installs takes that Node (npm warns for each one that does not).
const README_NODE = /You need Node (\d+\.\d+) or newer/.exec(readFileSync("README.md", "utf8"))?.[1];

describe("the Node version the README names", () => {
  it("is the package's own floor", () => {
    const own = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
    expect(README_NODE).toBeDefined();
    expect(own.engines.node).toBe(`>=${README_NODE}`);
  });

  it("is one every installed package's engines accept, so npm install warns of none", () => {
    const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const node = `${README_NODE}.0`;
    const refusing = Object.entries(lock.packages)
      .filter(([, meta]) => typeof meta.engines === "object" && !Array.isArray(meta.engines) && meta.engines.node !== undefined)
      .filter(([, meta]) => !semver.satisfies(node, (meta.engines as { node: string }).node))
      .map(([path, meta]) => `${path.replace(/^node_modules\//, "")} wants node ${(meta.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
