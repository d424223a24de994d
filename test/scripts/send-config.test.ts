import { describe, expect, it } from "vitest";
import { readDotVars } from "../../scripts/lib/dotvars";
import { buildRequest } from "../../scripts/send/build";
import { sendConfig } from "../../scripts/send/config";
import { SendError } from "../../scripts/send/errors";
import { callWorker, recordingQueue } from "../helpers";

// `npm run send -- SOURCE --config FILE` against a gateway running FILE: the notification is
// signed with FILE's secrets, read from the vars file npm start reads, and is accepted.

const FINTECH = JSON.stringify(
  {
    sources: {
      "bs2-boleto-prod": { provider: "bs2-boleto", auth: [{ type: "basic", username: "bs2", password: { secret: "BOLETO_PASSWORD" } }] },
      "pix-prod": { provider: "pix", auth: [{ type: "bearer", token: { secret: "PIX_TOKEN" } }] },
    },
    routes: [{ id: "ledger", events: ["*"], url: "https://ledger.fintech.example/hooks", auth: { type: "bearer", token: { secret: "LEDGER_TOKEN" } } }],
  },
  null,
  2,
);
const VARS = readDotVars("BOLETO_PASSWORD=b0leto-prod\nPIX_TOKEN='p1x-token'\nLEDGER_TOKEN=ledger\n");
const reader = (vars: Record<string, string>) => (name: string) => vars[name];

/** The gateway as `npm start -- --config my/fintech.json` runs it: that config, those secrets. */
function gatewayRunning(config: string, secrets: Record<string, string>) {
  return (request: Request) => callWorker(request, { GATEWAY_CONFIG: config, ...secrets, DELIVERIES: recordingQueue().queue });
}

async function sent(sourceName: string, read: (name: string) => string | undefined) {
  const { source } = sendConfig(FINTECH, "my/fintech.json", read, ".dev.vars", sourceName);
  const outgoing = buildRequest({ baseUrl: "http://127.0.0.1:8787", sourceName, source: source!, unique: true });
  return new Request(outgoing.url, { method: outgoing.method, headers: outgoing.headers, body: outgoing.body });
}

describe("send with another config", () => {
  it("authenticates with that config's secrets, so its gateway accepts each source", async () => {
    const gateway = gatewayRunning(FINTECH, VARS);
    for (const source of ["bs2-boleto-prod", "pix-prod"]) {
      const response = await gateway(await sent(source, reader(VARS)));
      expect(response.status).toBe(202);
    }
  });

  it("needs only the source's own secrets: a route's secret set elsewhere does not stop it", async () => {
    const { LEDGER_TOKEN: _, ...withoutRoute } = VARS;
    const loaded = sendConfig(FINTECH, "my/fintech.json", reader(withoutRoute), ".dev.vars", "bs2-boleto-prod");
    expect(loaded.note).toContain("my/fintech.json does not load whole here (1 problem");
    const response = await gatewayRunning(FINTECH, VARS)(await sent("bs2-boleto-prod", reader(withoutRoute)));
    expect(response.status).toBe(202);
  });

  it("says which secret it lacks and where it looks, when the source's own is missing", () => {
    const { PIX_TOKEN: _, ...withoutPix } = VARS;
    const refused = () => sendConfig(FINTECH, "my/fintech.json", reader(withoutPix), "my/fintech.vars", "pix-prod");
    expect(refused).toThrow(SendError);
    expect(refused).toThrow("sources.pix-prod.auth[0].token: secret PIX_TOKEN is not set");
    expect(refused).toThrow("the environment, then my/fintech.vars (--secrets FILE)");
  });
});

describe("send's built-in boleto", () => {
  it("is a new boleto each send (a new NossoNumeroBoleto, so a new subject), and the same one with --same", async () => {
    const { source } = sendConfig(FINTECH, "my/fintech.json", reader(VARS), ".dev.vars", "bs2-boleto-prod");
    const numberOf = (unique: boolean) => {
      const outgoing = buildRequest({ baseUrl: "http://127.0.0.1:8787", sourceName: "bs2-boleto-prod", source: source!, unique });
      return (JSON.parse(new TextDecoder().decode(outgoing.body)) as { NossoNumeroBoleto: string }).NossoNumeroBoleto;
    };
    const numbers = new Set(Array.from({ length: 5 }, () => numberOf(true)));
    expect(numbers.size).toBe(5);
    for (const number of numbers) expect(number).toMatch(/^\d{8}$/);
    expect(numberOf(false)).toBe(numberOf(false));
  });
});
