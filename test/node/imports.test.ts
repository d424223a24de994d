import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Imports flow one way: no module of src/ reaches itself again through its imports (type-only
 * imports included, since they tie the rooms together just the same), and env.ts, at the
 * bottom, imports only the queue's message shapes.
 */
const SRC = path.join(import.meta.dirname, "../../src");

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return modules(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

const files = new Set(modules(SRC));
const graph = new Map<string, string[]>(
  [...files].map((file) => {
    const text = readFileSync(file, "utf8");
    const specifiers = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => m[1]!);
    return [file, specifiers.map((s) => resolve(file, s)).filter((f): f is string => f !== undefined)];
  }),
);

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(SRC, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

describe("src/ imports", () => {
  it("form no cycle", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles()).toEqual([]);
  });

  it("leave env.ts at the bottom: it imports only the queue's message shapes", () => {
    const imported = (graph.get(path.join(SRC, "env.ts")) ?? []).map((f) => path.relative(SRC, f)).sort();
    expect(imported).toEqual(["delivery/message.ts", "queue/messages.ts"]);
  });
});
