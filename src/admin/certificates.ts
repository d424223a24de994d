import { addPinnedFingerprint } from "../certificates/pins";
import { parseCertificate } from "../certificates/x509";
import { pinsNothing } from "../config/warnings";
import { GatewayError } from "../errors";
import type { App } from "../http/app";
import { readJson } from "./read-json";
import { UploadCertificateBody } from "./schemas";

/** Pins an uploaded certificate's SHA-256 fingerprint for a source, beside the config's pins. */
export function registerCertificateAdmin(app: App): void {
  app.post("/admin/sources/:source/certificates", async (c) => {
    const name = c.req.param("source");
    const source = c.get("config").sources[name];
    if (!source || !Object.hasOwn(c.get("config").sources, name)) throw new GatewayError("not_found", `no source ${name}`);
    if (!source.mtls) {
      throw new GatewayError("conflict", `source ${name} has no mtls block, so a pin would not be checked; add "mtls": {} to its config first`);
    }
    const { certificate } = await readJson(c.req.raw, UploadCertificateBody);
    const parsed = await parseCertificate(certificate);
    if (!parsed.ok) throw new GatewayError("bad_request", `certificate: ${parsed.reason}`);
    await addPinnedFingerprint(c.env.STATE, name, parsed.fingerprintSha256);
    c.set("logFields", { ...c.get("logFields"), source: name, fingerprint: parsed.fingerprintSha256 });
    // The config pins nothing: until this upload any certificate the zone's CA signed passed,
    // and only uploaded pins protect the source now. Said in a header, as the answer has no body.
    if (pinsNothing(source.mtls)) c.header("Hookgate-Warning", `source ${name}: the config's mtls pins nothing; only uploaded fingerprints protect it`);
    return c.body(null, 204);
  });
}
