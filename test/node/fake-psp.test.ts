import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort } from "./test-ports";

// `npm run fake-psp` on the demo config, as docs/pix.md runs it beside `npm start`: the demo's
// routes deliver to the demo sink on 127.0.0.1, which is local development, so it starts.

describe("the fake PSP", () => {
  it("starts on the demo config and holds a Pix whose webhook never came", { timeout: 60_000 }, async () => {
    const PORT = await freePort();
    const child = spawn("node_modules/.bin/tsx", ["scripts/fake-psp.ts", "--port", String(PORT)], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("whose webhook never came")) resolve();
        };
        child.stdout.on("data", read);
        child.stderr.on("data", read);
        child.on("exit", (code) => reject(new Error(`fake-psp exited ${code}:\n${output}`)));
      });
      const added = await fetch(`http://127.0.0.1:${PORT}/fake/pix`, { method: "POST" });
      expect(added.status).toBe(201);
      expect(output).not.toContain("invalid");
    } finally {
      child.kill("SIGTERM");
    }
  });
});
