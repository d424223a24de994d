import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderEventTypes } from "../../src/catalog/doc";

describe("docs/event-types.md", () => {
  it("is what `npm run event-types` generates from the catalog (run it after changing src/catalog/)", () => {
    const committed = readFileSync(join(import.meta.dirname, "../../docs/event-types.md"), "utf8");
    expect(committed).toBe(renderEventTypes());
  });
});
