import { expect, it } from "vitest";
import { adapters } from "../../src/adapters";
import { ProviderName } from "../../src/config/schema";

it("has an adapter for every provider a source can name", () => {
  expect(Object.keys(adapters).sort()).toEqual([...ProviderName.options].sort());
});

it("remembers notification ids for seven days by default, and BMP's for an hour, as its statuses repeat", () => {
  for (const [name, adapter] of Object.entries(adapters)) expect(adapter.defaultDedupTtlSeconds).toBe(name === "bmp" ? 3_600 : 604_800);
});

it("takes POST by default, and BMP also GET and PUT", () => {
  for (const [name, adapter] of Object.entries(adapters)) {
    expect(adapter.defaultMethods).toEqual(name === "bmp" ? ["GET", "POST", "PUT"] : ["POST"]);
  }
});
