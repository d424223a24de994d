import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load";

const read = (secrets: Record<string, string>) => (name: string) => secrets[name];
const reconcile = {
  baseUrl: "https://pix.psp.example/api/v2",
  tokenUrl: "https://pix.psp.example/oauth/token",
  clientId: "c1",
  clientSecret: { secret: "PSP_SECRET" },
};
const withReconcile = (extra: Record<string, unknown>, provider = "pix") => ({
  sources: { psp: { provider, auth: [{ type: "none" }], reconcile: { ...reconcile, ...extra } } },
});

describe("a pix source's reconcile config", () => {
  it("takes Banco Central's behaviour as the default", () => {
    const loaded = parseConfig(withReconcile({}), read({ PSP_SECRET: "s3cret" }));
    if (!loaded.ok) throw new Error(loaded.problems.join("; "));
    expect(loaded.config.sources.psp?.reconcile).toEqual({
      ...reconcile,
      clientSecret: "s3cret",
      everyMinutes: 10,
      windowMinutes: 120,
      scope: "pix.read",
      tokenAuth: "basic",
      tokenFormat: "form",
      query: {},
      itemsPerPage: 100,
      maxPagesPerRun: 5,
    });
  });

  it("applies the route targets' rules to the PSP's URLs: loopback only in local development, no private address", () => {
    const problems = (extra: Record<string, unknown>, localDev = false) => {
      const loaded = parseConfig(withReconcile(extra), read({ PSP_SECRET: "s3cret" }), { localDev });
      return loaded.ok ? [] : loaded.problems;
    };
    expect(problems({ baseUrl: "http://127.0.0.1:9000/api" })).toEqual([
      "sources.psp.reconcile.baseUrl: loopback targets (localhost, 127.0.0.1, [::1]) are allowed only in local development (LOCAL_DEV)",
    ]);
    expect(problems({ tokenUrl: "https://localhost/oauth/token" })).toEqual([
      "sources.psp.reconcile.tokenUrl: loopback targets (localhost, 127.0.0.1, [::1]) are allowed only in local development (LOCAL_DEV)",
    ]);
    expect(problems({ baseUrl: "http://127.0.0.1:9000/api", tokenUrl: "http://localhost:9000/token" }, true)).toEqual([]);
    expect(problems({ baseUrl: "https://10.0.0.7/api" }, true)[0]).toMatch(/^sources\.psp\.reconcile\.baseUrl: must not be an address in a private/);
    expect(problems({ tokenUrl: "https://169.254.169.254/token" }, true)[0]).toMatch(/^sources\.psp\.reconcile\.tokenUrl: must not be an address in a private/);
  });

  it("names the JSON path of what is wrong, and a missing secret without its value", () => {
    const problems = (extra: Record<string, unknown>, provider?: string) => {
      const loaded = parseConfig(withReconcile(extra, provider), read({ PSP_SECRET: "s3cret" }));
      return loaded.ok ? [] : loaded.problems;
    };
    expect(problems({ baseUrl: "http://pix.psp.example/api" })).toEqual([expect.stringMatching(/^sources\.psp\.reconcile\.baseUrl: must be an https URL/)]);
    expect(problems({ itemsPerPage: 1001 })[0]).toMatch(/^sources\.psp\.reconcile\.itemsPerPage:/);
    expect(problems({ tokenAuth: "digest" })[0]).toMatch(/^sources\.psp\.reconcile\.tokenAuth:/);
    expect(problems({ certificate: "not a binding" })[0]).toMatch(/^sources\.psp\.reconcile\.certificate: must be a binding name/);
    expect(problems({}, "bs2-spi")).toEqual(["sources.psp.reconcile: only the pix provider takes this"]);
    const missing = parseConfig(withReconcile({}), read({}));
    expect(missing).toMatchObject({ ok: false, problems: ["sources.psp.reconcile.clientSecret: secret PSP_SECRET is not set"] });
  });

  it("allows http for a PSP on this machine (the demo's fake PSP) in local development", () => {
    const loaded = parseConfig(
      withReconcile({ baseUrl: "http://127.0.0.1:8790/api/v2", tokenUrl: "http://localhost:8790/oauth/token" }),
      read({ PSP_SECRET: "s" }),
      { localDev: true },
    );
    expect(loaded.ok).toBe(true);
  });
});
