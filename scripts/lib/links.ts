/**
 * The documentation's links, checked as pure text: every relative link must reach a file of
 * the repository (and a heading of it, for `file.md#anchor`), and nothing may refer to a path
 * outside it (a folder beside the clone), so a clone stands alone. Used by `npm run check-links`.
 */
import { posix } from "node:path";

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** Inline links and images `[text](target)`, and reference definitions `[label]: target`. */
const INLINE = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
const OUTSIDE = /\.\.\/shared\b|\/work\/shared\b/;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function targetsOf(line: string): string[] {
  const targets = [...line.matchAll(INLINE)].map((m) => m[1]!);
  const definition = DEFINITION.exec(line);
  if (definition) targets.push(definition[1]!);
  return targets;
}

/**
 * `documents`: the Markdown files to read links from, by repository path. `others`: the
 * rest of the text to search for outside references. `exists`: whether a repository path is
 * a file or a folder.
 */
export function checkLinks(documents: ReadonlyMap<string, string>, others: ReadonlyMap<string, string>, exists: (path: string) => boolean): Problem[] {
  const problems: Problem[] = [];
  for (const [file, text] of [...documents, ...others]) {
    text.split("\n").forEach((line, i) => {
      if (OUTSIDE.test(line)) problems.push({ file, line: i + 1, message: "refers to a path outside the repository" });
    });
  }
  for (const [file, text] of documents) {
    let fenced = false;
    text.split("\n").forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return;
      for (const target of targetsOf(line)) {
        const problem = checkTarget(file, target, documents, exists);
        if (problem) problems.push({ file, line: i + 1, message: problem });
      }
    });
  }
  return problems;
}

function checkTarget(file: string, target: string, documents: ReadonlyMap<string, string>, exists: (path: string) => boolean): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: and the like
  const [pathPart = "", anchor] = target.split("#", 2) as [string, string | undefined];
  const path = decodeURIComponent(pathPart.split("?")[0]!);
  if (path.startsWith("/")) return `${target}: use a relative link`;
  const resolved = path === "" ? file : posix.normalize(posix.join(posix.dirname(file), path)).replace(/\/$/, "");
  if (resolved.startsWith("../") || resolved === "..") return `${target}: points outside the repository`;
  if (!exists(resolved)) return `${target}: no such file in the repository`;
  if (anchor && resolved.endsWith(".md")) {
    const text = documents.get(resolved);
    if (text !== undefined && !anchorsOf(text).has(anchor)) return `${target}: no heading "#${anchor}" in ${resolved}`;
  }
  return undefined;
}
