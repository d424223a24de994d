import { beforeEach, onTestFailed, vi } from "vitest";

/**
 * The gateway writes a JSON line per request and attempt. A passing run keeps them out of
 * its output, so vitest's summary is all there is; a failing test prints its own lines
 * after the failure. Tests that assert on log lines capture them themselves
 * (`captureLogs` in helpers.ts and delivery/helpers.ts).
 */
beforeEach(() => {
  const print = console.log.bind(console);
  const lines: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  onTestFailed(() => {
    for (const line of lines) print(line);
  });
  return () => spy.mockRestore();
});
