import { describe, expect, it } from "vitest";
import { wranglerDevArgs } from "../../scripts/lib/wrangler-dev";

// Issue 19, finding 7: under wrangler dev a client can set request.cf (MF-CF-Blob) and
// CF-Connecting-IP, so `npm start` must be reachable from this machine alone.

describe("what npm start runs wrangler dev with", () => {
  it("binds the loopback address alone, on the port and protocol asked for", () => {
    const args = wranglerDevArgs({ port: 8870, scheme: "https", envFile: ".wrangler/hookgate-start.vars" });
    expect(args[args.indexOf("--ip") + 1]).toBe("127.0.0.1");
    expect(args.filter((a) => a === "--ip")).toHaveLength(1);
    expect(args).toEqual([
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      "8870",
      "--local-protocol",
      "https",
      "--show-interactive-dev-session=false",
      "--env-file",
      ".wrangler/hookgate-start.vars",
    ]);
  });
});
