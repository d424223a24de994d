/**
 * Starts examples/receiver as a real Node service, twice, for test/interop: the CloudEvents
 * SDK does not load inside workerd (a CommonJS package whose validator compiles code at run
 * time), so the receiver runs where a user's service would, and the gateway's delivery code
 * in workerd delivers to it over 127.0.0.1. Each listens on an ephemeral port, handed to the tests
 * through vitest's `provide` (./test-ports.ts), so a port something else holds never fails the run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { TestProject } from "vitest/node";
import { startRecorder } from "./recorder";
import { portOf } from "./test-ports";

const SECRET = "whsec_aW50ZXJvcC1yZWNlaXZlci1zaWduaW5nLWtleQ==";

/** The receiver on a port the system picks (PORT=0), with the port it printed. */
function start(extra: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/receiver/server.ts"], {
    env: { ...process.env, WEBHOOK_SECRET: SECRET, PORT: "0", HOST: "127.0.0.1", ...extra },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("did not start within 20 s")), 20_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`example receiver: ${error.message}\n${output}`));
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      const listening = /receiver listening on http:\/\/[^:]+:(\d+)\//.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, port: Number(listening[1]) });
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("exit", (code) => fail(new Error(`exited with ${code}`)));
  });
}

export default async function setup(project: Pick<TestProject, "provide">) {
  const [receiver, busy] = await Promise.all([start({}), start({ MAX_IN_FLIGHT: "1", WORK_MS: "3000", RETRY_AFTER_SECONDS: "30" })]);
  // The governed-delivery tests' receiver (test/node/recorder.ts).
  const recorder = await startRecorder(0);
  project.provide("testPorts", { receiver: receiver.port, busyReceiver: busy.port, recorder: portOf(recorder) });
  return () => {
    receiver.child.kill();
    busy.child.kill();
    recorder.close();
  };
}
