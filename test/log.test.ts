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

it("writes a flat record, one OpenTelemetry attribute a field: nested objects as dotted keys, mixed lists as JSON text", async () => {
  const { lines } = await captureLogs(async () =>
    log({
      event: "probe",
      ids: ["a", "b"],
      empty: [],
      codes: [401, 403],
      limits: { maxBytes: 10, per: { source: "pix" } },
      problems: [{ path: "routes.0", message: "bad" }],
      mixed: ["a", 1],
      missing: undefined,
      status: null,
      at: new Date("2026-12-02T00:00:00Z"),
    }),
  );
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  const { time: _, ...rest } = line;
  expect(rest).toEqual({
    event: "probe",
    ids: ["a", "b"],
    empty: [],
    codes: [401, 403],
    "limits.maxBytes": 10,
    "limits.per.source": "pix",
    problems: '[{"path":"routes.0","message":"bad"}]',
    mixed: '["a",1]',
    status: null,
    at: "2026-12-02T00:00:00.000Z",
  });
  for (const value of Object.values(line)) expect(typeof value === "object" && value !== null && !Array.isArray(value)).toBe(false);
});
