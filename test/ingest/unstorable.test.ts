import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jsonShapeProblem, MAX_JSON_DEPTH } from "../../src/adapters/json-limits";
import { MAX_BODY_BYTES_LIMIT } from "../../src/config/schema";
import { getDeadLetter } from "../../src/deadletters/store";
import { callWorker, recordingQueue, uniqueId } from "../helpers";

// What cannot be serialized or stored is quarantined once, never answered 503 on every retry.

const config = {
  sources: {
    acme: { provider: "generic", idPath: "body.id", auth: [{ type: "none" }] },
    big: { provider: "generic", maxBodyBytes: MAX_BODY_BYTES_LIMIT, auth: [{ type: "none" }] },
  },
  routes: [{ id: "all", events: ["*"], url: "https://erp.internal.example/hooks" }],
};

async function send(source: string, body: string, contentType = "application/json") {
  const recorder = recordingQueue();
  const response = await callWorker(
    new Request(`https://hooks.example.com/hooks/${source}`, { method: "POST", body, headers: { "content-type": contentType } }),
    {
      GATEWAY_CONFIG: JSON.stringify(config),
      DELIVERIES: recorder.queue,
    },
  );
  // The gateway's own hookgate.request.quarantined event also goes to the "*" route.
  return { response, sent: recorder.sent.filter((m) => !m.envelope?.type.startsWith("hookgate.")) };
}

async function quarantined(response: Response) {
  expect(response.status).toBe(202);
  const answer = await response.json<{ status: string; id: string }>();
  expect(answer.status).toBe("quarantined");
  return getDeadLetter(env.STATE, answer.id);
}

describe("JSON nesting", () => {
  it("counts brackets outside strings only, escapes included", () => {
    const depthOk = (text: string, max: number) => jsonShapeProblem(text, max, Number.POSITIVE_INFINITY) !== "too_deep";
    expect(depthOk('{"a":[[1]]}', 3)).toBe(true);
    expect(depthOk('{"a":[[[1]]]}', 3)).toBe(false);
    expect(depthOk(`{"a":"${"[".repeat(100)}\\"${"{".repeat(100)}"}`, 1)).toBe(true);
    expect(depthOk(`${"[".repeat(MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(true);
  });

  it("quarantines a body nested 5,000 levels deep instead of failing to queue it", async () => {
    const deep = `{"id":"${uniqueId()}","x":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const { response, sent } = await send("acme", deep);
    const record = await quarantined(response);
    expect(record).toMatchObject({ reason: "invalid_payload", lastError: `The body nests deeper than ${MAX_JSON_DEPTH} levels.` });
    expect(sent).toEqual([]);
  });

  it("takes a body nested as deep as the limit", async () => {
    const depth = MAX_JSON_DEPTH - 1;
    const { response, sent } = await send("acme", `{"id":"${uniqueId()}","x":${"[".repeat(depth)}${"]".repeat(depth)}}`);
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
  });
});

describe("an envelope too large to store", () => {
  it("quarantines 5 MiB of control characters, 30 MiB once escaped, with reason unserializable", async () => {
    const { response, sent } = await send("big", "\u0001".repeat(5 * 1024 * 1024), "text/plain");
    const record = await quarantined(response);
    expect(record?.reason).toBe("unserializable");
    expect(record?.lastError).toMatch(/^The payload takes 31457282 bytes as JSON/);
    expect(record?.request?.bodyBase64.length).toBe(Math.ceil((5 * 1024 * 1024) / 3) * 4);
    expect(sent).toEqual([]);
  });

  it("keeps the quarantine record itself within KV's 25 MiB at the largest body a source may take", () => {
    const base64 = Math.ceil(MAX_BODY_BYTES_LIMIT / 3) * 4;
    expect(base64 + 1024 * 1024).toBeLessThan(25 * 1024 * 1024);
  });
});
