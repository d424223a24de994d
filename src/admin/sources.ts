import { readPinnedFingerprints } from "../certificates/pins";
import { API_READERS } from "../confirm/providers";
import type { App } from "../http/app";
import type { SourceView } from "./schemas";

/**
 * The configured sources as an operator sees them: provider, the types of its auth rules
 * (never a credential), its mTLS pins and the certificates pinned at run time. Read-only:
 * sources change in the config.
 */
export function registerSourceAdmin(app: App): void {
  app.get("/admin/sources", async (c) => {
    const entries = Object.entries(c.get("config").sources);
    const sources = await Promise.all(
      entries.map(async ([name, source]): Promise<SourceView> => {
        const view: SourceView = {
          name,
          provider: source.provider,
          auth: source.auth.map((rule) => ({ type: rule.type })),
          onInvalid: source.onInvalid,
          maxBodyBytes: source.maxBodyBytes,
        };
        if (source.methods) view.methods = source.methods;
        if (source.ipAllow) view.ipAllow = source.ipAllow;
        if (source.confirm) view.confirm = { baseUrl: source.confirm.baseUrl ?? API_READERS[source.provider]?.defaultBaseUrl ?? "" };
        if (source.mtls) {
          view.mtls = {
            fingerprintsSha256: source.mtls.fingerprintsSha256,
            uploadedFingerprintsSha256: await readPinnedFingerprints(c.env.STATE, name, { cached: false }),
          };
          if (source.mtls.issuerDn) view.mtls.issuerDn = source.mtls.issuerDn;
          if (source.mtls.subjectDn) view.mtls.subjectDn = source.mtls.subjectDn;
        }
        return view;
      }),
    );
    return c.json({ sources });
  });
}
