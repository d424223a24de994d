import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EC_CERT_PEM, EC_FINGERPRINT, EC_SUBJECT } from "../certificates/fixtures";

// `npm run send -- pix-psp --client-cert cert.pem --dry-run`: the provider's own certificate,
// read for real, reported as Cloudflare's edge reports it.

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "hookgate-send-cert-"));
const config = join(dir, "prod.json");
writeFileSync(
  config,
  JSON.stringify({ sources: { "pix-psp": { provider: "pix", auth: [{ type: "none" }], mtls: { fingerprintsSha256: [EC_FINGERPRINT] } } } }),
);
const pem = join(dir, "psp.pem");
writeFileSync(pem, EC_CERT_PEM);

async function send(args: string[]) {
  try {
    const { stdout, stderr } = await run("node_modules/.bin/tsx", ["scripts/send.ts", "pix-psp", "--config", config, "--secrets", join(dir, "none"), ...args], {
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

describe("send --client-cert PEM_FILE", () => {
  it("reports that certificate's fingerprint, subject and expiry, as the edge does", { timeout: 60_000 }, async () => {
    const answer = await send(["--client-cert", pem, "--dry-run"]);
    expect(answer.code).toBe(0);
    const line = answer.stdout.split("\n").find((l) => l.toLowerCase().startsWith("hookgate-dev-client-cert:"));
    const report = JSON.parse(line!.slice(line!.indexOf(":") + 1)) as Record<string, string>;
    expect(report).toMatchObject({ certFingerprintSHA256: EC_FINGERPRINT, certSubjectDN: EC_SUBJECT, certNotAfter: "Nov 19 15:24:27 2036 GMT" });
    expect(answer.stderr).not.toContain("expect 403");
  });

  it("says, without it, how to present one locally", { timeout: 60_000 }, async () => {
    const answer = await send(["--dry-run"]);
    expect(answer.stderr).toContain("expect 403; against `npm start`, add --client-cert demo");
  });

  it("refuses a file that is not a certificate, and a deployed gateway's URL", { timeout: 60_000 }, async () => {
    const [notCert, deployed] = await Promise.all([
      send(["--client-cert", config, "--dry-run"]),
      send(["--client-cert", "demo", "--url", "https://hooks.example.com", "--dry-run"]),
    ]);
    expect(notCert.code).toBe(2);
    expect(notCert.stderr).toContain(`--client-cert ${config}: not a PEM or DER certificate`);
    expect(deployed.code).toBe(2);
    expect(deployed.stderr).toContain("--client-cert is for local development");
  });
});
