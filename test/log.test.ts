import { expect, it } from "vitest";
import { log } from "../src/log";
import { captureLogs } from "./helpers";

it("stamps each JSON log line with an ISO time, before the caller's fields", async () => {
  const before = Date.now();
  const { lines } = await captureLogs(async () => log({ event: "probe", id: "n-1" }));
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(Object.keys(line)).toEqual(["time", "event", "id"]);
  expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(line.time as string)).toBeGreaterThanOrEqual(before);
});
