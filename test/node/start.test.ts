import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configChangeNote, configRun, rememberConfigRun, stateDirectory, wipeLocalState } from "../../scripts/lib/local-state";
import { routesToSink, startBanner, withSinkPort } from "../../scripts/lib/start-banner";
import { parseConfig } from "../../src/config/load";

// What `npm start` prints and keeps: the banner follows the config it runs, and the local state
// can be wiped (--fresh) and is noted when the config changed since the last run.

function loaded(text: string, secrets: Record<string, string> = {}) {
  const config = parseConfig(text, (name) => secrets[name], { localDev: true });
  if (!config.ok) throw new Error(config.problems.join("; "));
  return config.config;
}

const FINTECH = JSON.stringify({
  sources: {
    "partner-jwt": { provider: "generic", auth: [{ type: "jwt", alg: "ES256", publicKeyPem: "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----" }] },
    "bs2-boleto-prod": { provider: "bs2-boleto", auth: [{ type: "basic", username: "bs2", password: { secret: "BOLETO_PASSWORD" } }] },
  },
  routes: [{ id: "ledger", events: ["*"], url: "https://ledger.fintech.example/hooks" }],
});

const banner = (configFile: string, text: string, options: { gatewayPort?: number; https?: boolean } = {}) =>
  startBanner({
    configFile,
    config: loaded(text, { BOLETO_PASSWORD: "b0leto" }),
    https: options.https ?? false,
    gatewayPort: options.gatewayPort ?? 8787,
    sinkPort: 8789,
    ownToken: true,
    adminToken: "unused",
  }).join("\n");

describe("npm start's banner", () => {
  it("for the demo, names its sources and the sink's route, and suggests send without flags", () => {
    const text = banner("demo/config.json", readFileSync("demo/config.json", "utf8"));
    expect(text).toContain("hookgate: config demo/config.json (sources: ns-bpe, bs2-boleto, bs2-spi, pix, bmp, stdwh, acme)");
    expect(text).toContain("hookgate: demo sink on http://127.0.0.1:8789 prints every envelope delivered to it (routes demo-sink, demo-retired)");
    expect(text.endsWith("npm run send -- ns-bpe")).toBe(true);
    expect(text).toContain("hookgate: Ctrl-C first writes the metrics counted in the last 10 s to local D1");
  });

  it("for one's own config, names its sources, says no route reaches the sink, and sends with --config", () => {
    const text = banner("my/fintech.json", FINTECH, { gatewayPort: 8895 });
    expect(text).toContain("hookgate: config my/fintech.json (sources: partner-jwt, bs2-boleto-prod)");
    expect(text).toContain("demo sink on http://127.0.0.1:8789: no route of my/fintech.json delivers to it");
    expect(text).not.toContain("bs2-boleto\n");
    // The first source the simulator can sign for: an ES256 JWT needs the provider's private key.
    expect(text).toContain("npm run send -- bs2-boleto-prod --config my/fintech.json --url http://127.0.0.1:8895");
  });

  it("says why when no source can be sent to without more, and keeps https's flags", () => {
    const onlyJwt = JSON.stringify({ sources: { "partner-jwt": JSON.parse(FINTECH).sources["partner-jwt"] } });
    const text = banner("my/partner.json", onlyJwt, { https: true });
    expect(text).toContain("npm run send -- partner-jwt --config my/partner.json --url https://localhost:8787 --insecure");
    expect(text).toContain("(partner-jwt: its first auth rule takes ES256 JWTs, which only the provider's private key signs: add --jwt-key PEM_FILE)");
  });
});

describe("npm start's local state", () => {
  const fresh = () => {
    const root = mkdtempSync(join(tmpdir(), "hookgate-state-"));
    return { root };
  };

  it("--fresh wipes KV, D1, Durable Objects and queues, and says whether there was anything", () => {
    const state = fresh();
    for (const kind of ["kv", "d1", "do", "queues"]) {
      mkdirSync(join(stateDirectory(state), "v3", kind), { recursive: true });
      writeFileSync(join(stateDirectory(state), "v3", kind, "data.sqlite"), "rows");
    }
    writeFileSync(join(state.root, ".wrangler", "keep.txt"), "not state");
    expect(wipeLocalState(state)).toBe(true);
    expect(existsSync(stateDirectory(state))).toBe(false);
    expect(existsSync(join(state.root, ".wrangler", "keep.txt"))).toBe(true);
    expect(wipeLocalState(state)).toBe(false);
  });

  it("notes a change of config since the last run that left state, and nothing otherwise", () => {
    const state = fresh();
    mkdirSync(join(stateDirectory(state), "v3", "kv"), { recursive: true });
    rememberConfigRun(state, configRun("demo/config.json", "{demo}"));
    expect(configChangeNote(state, configRun("demo/config.json", "{demo}"))).toBeUndefined();
    expect(configChangeNote(state, configRun("my/fintech.json", "{fintech}"))).toContain(
      "note: the last run used demo/config.json, this one my/fintech.json; the local state it left",
    );
    expect(configChangeNote(state, configRun("demo/config.json", "{demo, edited}"))).toContain("demo/config.json changed since the last run");
    expect(configChangeNote(state, configRun("my/fintech.json", "{fintech}"))).toContain("`npm start -- --fresh` starts from empty");
    wipeLocalState(state);
    expect(configChangeNote(state, configRun("my/fintech.json", "{fintech}"))).toBeUndefined();
  });
});

describe("npm start -- --sink-port", () => {
  it("moves the demo config's routes to the sink's port, and leaves other routes and the default alone", () => {
    const demo = readFileSync("demo/config.json", "utf8");
    expect(withSinkPort(demo, 8789)).toBe(demo);
    const moved = loaded(withSinkPort(demo, 9789));
    expect(routesToSink(moved, 9789).map((r) => r.id)).toEqual(routesToSink(loaded(demo), 8789).map((r) => r.id));
    expect(routesToSink(moved, 8789)).toEqual([]);
    expect(withSinkPort(FINTECH, 9789)).toBe(FINTECH);
  });
});
