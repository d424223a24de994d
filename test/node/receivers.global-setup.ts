/**
 * Starts examples/receiver as a real Node service, twice, for test/interop: the CloudEvents
 * SDK does not load inside workerd (a CommonJS package whose validator compiles code at run
 * time), so the receiver runs where a user's service would, and the gateway's delivery code
 * in workerd delivers to it over 127.0.0.1. Ports 8880 and 8881, or HOOKGATE_TEST_PORT and the one after it
 * (two checkouts testing side by side); vitest.config.ts hands the same number to the tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { startRecorder } from "./recorder";

const SECRET = "whsec_aW50ZXJvcC1yZWNlaXZlci1zaWduaW5nLWtleQ==";

function start(port: number, extra: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/receiver/server.ts"], {
    env: { ...process.env, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: "127.0.0.1", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("did not start within 20 s")), 20_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`example receiver on port ${port}: ${error.message}\n${output}`));
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("receiver listening")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("exit", (code) => fail(new Error(`exited with ${code}`)));
  });
}

export default async function setup() {
  const base = Number(process.env.HOOKGATE_TEST_PORT ?? 8880);
  const children = await Promise.all([start(base, {}), start(base + 1, { MAX_IN_FLIGHT: "1", WORK_MS: "3000", RETRY_AFTER_SECONDS: "30" })]);
  // The governed-delivery tests' receiver (test/node/recorder.ts), on the port after them.
  const recorder = await startRecorder(base + 2);
  return () => {
    for (const child of children) child.kill();
    recorder.close();
  };
}
