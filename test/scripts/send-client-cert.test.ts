import { describe, expect, it } from "vitest";
import { buildRequest } from "../../scripts/send/build";
import { clientCertificate } from "../../scripts/send/client-cert";
import { sendConfig } from "../../scripts/send/config";
import { SendError } from "../../scripts/send/errors";
import { LOCAL_CLIENT_CERT_HEADER } from "../../src/certificates/local-report";
import { callWorker, recordingQueue } from "../helpers";

// `npm run send -- pix-psp --client-cert demo` against `npm start` running the production config
// of docs/pix.md: a source with `mtls` pins, tried locally as it runs deployed.

const FINGERPRINT = "5f".repeat(32);
const CONFIG = JSON.stringify({
  sources: {
    "pix-psp": { provider: "pix", auth: [{ type: "none" }], mtls: { fingerprintsSha256: [FINGERPRINT], subjectDn: "CN=pix.psp.example,O=PSP,C=BR" } },
    open: { provider: "pix", auth: [{ type: "none" }], mtls: { fingerprintsSha256: [] } },
  },
  routes: [{ id: "ledger", events: ["*"], url: "https://ledger.fintech.example/hooks" }],
});
const LOCAL = "http://127.0.0.1:8787";

async function sendTo(sourceName: string, options: { clientCert?: string; baseUrl?: string } = {}) {
  const { source } = sendConfig(CONFIG, "prod.json", () => undefined, ".dev.vars", sourceName);
  const baseUrl = options.baseUrl ?? LOCAL;
  const certificate = options.clientCert === undefined ? undefined : await clientCertificate(options.clientCert, source!, sourceName, LOCAL, new Date());
  const outgoing = buildRequest({ baseUrl, sourceName, source: source!, unique: true, headers: certificate?.headers });
  return new Request(outgoing.url, { method: outgoing.method, headers: outgoing.headers, body: outgoing.body });
}

/** The gateway as `npm start` runs it (LOCAL_DEV=1), or as deployed (no LOCAL_DEV). */
function gateway(request: Request, local = true) {
  return callWorker(request, { GATEWAY_CONFIG: CONFIG, LOCAL_DEV: local ? "1" : undefined, DELIVERIES: recordingQueue().queue });
}

describe("send --client-cert demo, against npm start", () => {
  it("is refused without a certificate (403), and accepted with the demo one, which matches the source's pins", async () => {
    expect((await gateway(await sendTo("pix-psp"))).status).toBe(403);
    expect((await gateway(await sendTo("pix-psp", { clientCert: "demo" }))).status).toBe(202);
    expect((await gateway(await sendTo("open", { clientCert: "demo" }))).status).toBe(202);
  });

  it("is checked against the pins as the edge's report is: a report that matches none is still refused", async () => {
    const request = await sendTo("pix-psp", { clientCert: "demo" });
    const report = JSON.parse(request.headers.get(LOCAL_CLIENT_CERT_HEADER)!) as Record<string, string>;
    expect(report).toMatchObject({
      certPresented: "1",
      certVerified: "SUCCESS",
      certFingerprintSHA256: FINGERPRINT,
      certSubjectDN: "CN=pix.psp.example,O=PSP,C=BR",
    });
    const headers = new Headers(request.headers);
    headers.set(LOCAL_CLIENT_CERT_HEADER, JSON.stringify({ ...report, certFingerprintSHA256: "ab".repeat(32) }));
    expect((await gateway(new Request(request.clone(), { headers }))).status).toBe(403);
    headers.set(LOCAL_CLIENT_CERT_HEADER, "not json");
    expect((await gateway(new Request(request.clone(), { headers }))).status).toBe(403);
  });

  it("means nothing to a deployed gateway, or to a request that did not come to a loopback host", async () => {
    const local = await sendTo("pix-psp", { clientCert: "demo" });
    expect((await gateway(local.clone(), false)).status).toBe(403);
    const elsewhere = new Request(local.url.replace("http://127.0.0.1:8787", "https://hooks.example.com"), local.clone());
    expect((await gateway(elsewhere, true)).status).toBe(403);
  });

  it("is refused by the tool itself against a deployed gateway's URL", async () => {
    const { source } = sendConfig(CONFIG, "prod.json", () => undefined, ".dev.vars", "pix-psp");
    await expect(clientCertificate("demo", source!, "pix-psp", "https://hooks.example.com", new Date())).rejects.toThrow(SendError);
    await expect(clientCertificate("demo", source!, "pix-psp", "https://hooks.example.com", new Date())).rejects.toThrow(
      "--client-cert is for local development",
    );
  });
});
