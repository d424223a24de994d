import { describe, expect, it } from "vitest";
import { parseLogSuccess, wantsSuccess } from "../../src/log";
import { captureLogs, uniqueId } from "../helpers";
import { bindings, capturingQueue, drain, eventConfig, notify, route } from "../ledger/helpers";

/**
 * What reaches Workers Logs at the defaults (docs/observability.md, "What is logged"): every
 * failure, refusal, dead letter and quarantine has its line; a success has none unless
 * LOG_SUCCESS asks, since the event log keeps it and each line is a billed log event.
 */
type Line = Record<string, unknown>;
const parse = (lines: string[]): Line[] => lines.map((l) => JSON.parse(l) as Line);

function setup(extra: Record<string, unknown> = {}, vars: Record<string, unknown> = {}) {
  const { queue, take } = capturingQueue();
  const bound = bindings(eventConfig([route("ledger"), route("erp", ["acme.refunded"])], extra), { DELIVERIES: queue, ...vars });
  return { bound, take };
}

/** One notification of `type`, accepted and delivered, the target answering `status`; the lines written meanwhile. */
async function notifyAndDeliver(bound: ReturnType<typeof setup>["bound"], take: () => unknown[], type = "acme.paid", status = 200) {
  const id = uniqueId("log");
  const { lines, result } = await captureLogs(async () => {
    const response = await notify({ id, type }, bound);
    await drain(take, bound, () => new Response("", { status }));
    return response;
  });
  return { id, status: result.status, lines: parse(lines) };
}

describe("what is logged at the defaults", () => {
  it("an accepted request and its delivery write no line at all", async () => {
    const { bound, take } = setup();
    await notifyAndDeliver(bound, take); // the isolate's first request reads the added routes
    const { status, lines } = await notifyAndDeliver(bound, take);
    expect(status).toBe(202);
    expect(lines).toEqual([]);
  });

  it("a provider's retry (a duplicate, 200) writes no line either", async () => {
    const { bound, take } = setup();
    const id = uniqueId("dup");
    await notify({ id, type: "acme.paid" }, bound);
    await drain(take, bound, () => new Response("ok"));
    const { lines, result } = await captureLogs(() => notify({ id, type: "acme.paid" }, bound));
    expect(result.status).toBe(200);
    expect(lines).toEqual([]);
  });

  it("a refused request always has its line, with the outcome and no secret", async () => {
    const { bound } = setup();
    const { lines, result } = await captureLogs(() => notify({ id: uniqueId("refused"), type: "acme.paid" }, bound, "wrong-password-0042"));
    expect(result.status).toBe(401);
    const [line, ...rest] = parse(lines);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ method: "POST", path: "/hooks/acme", status: 401, outcome: "unauthorized" });
    expect(lines.join("\n")).not.toContain("wrong-password-0042");
  });

  it("a failed attempt always has its line, and so does the dead letter it ends in", async () => {
    const { bound, take } = setup({ delivery: { maxAttempts: 2 } });
    const { id, lines } = await notifyAndDeliver(bound, take, "acme.paid", 500);
    const attempts = lines.filter((l) => l.event === "delivery_attempt");
    expect(attempts.map((l) => [l.envelopeId, l.status, l.result])).toEqual([
      [`acme:${id}`, 500, "retry"],
      [`acme:${id}`, 500, "dead"],
    ]);
    expect(lines.some((l) => l.event === "dead_letter_stored" && l.envelopeId === `acme:${id}`)).toBe(true);
  });

  it("a quarantined request (202) has its line", async () => {
    const { bound } = setup();
    const { lines, result } = await captureLogs(() => notify({ nothing: "no id, no type" }, bound, undefined, "strict"));
    expect(result.status).toBe(202);
    expect(parse(lines).find((l) => "requestId" in l)).toMatchObject({ source: "strict", status: 202, outcome: "quarantined" });
  });
});

describe("LOG_SUCCESS turns successes back on while debugging", () => {
  it("`source:acme`: that source's requests and deliveries, each with its line", async () => {
    const { bound, take } = setup({}, { LOG_SUCCESS: "source:acme" });
    await notifyAndDeliver(bound, take);
    const { id, lines } = await notifyAndDeliver(bound, take);
    expect(lines.find((l) => "requestId" in l)).toMatchObject({ source: "acme", status: 202, outcome: "accepted", ids: [`acme:${id}`] });
    expect(lines.filter((l) => l.event === "delivery_attempt")).toMatchObject([{ envelopeId: `acme:${id}`, routeId: "ledger", status: 200, result: "done" }]);
  });

  it("`route:erp`: deliveries to that route only, not the request, not another route's", async () => {
    const { bound, take } = setup({}, { LOG_SUCCESS: "route:erp" });
    await notifyAndDeliver(bound, take, "acme.refunded");
    const { id, lines } = await notifyAndDeliver(bound, take, "acme.refunded");
    expect(lines.filter((l) => "requestId" in l)).toEqual([]);
    const attempts = lines.filter((l) => l.event === "delivery_attempt");
    expect(attempts.map((l) => [l.envelopeId, l.routeId])).toEqual([[`acme:${id}`, "erp"]]);
  });

  it("`all`: every success", async () => {
    const { bound, take } = setup({}, { LOG_SUCCESS: "all" });
    await notifyAndDeliver(bound, take);
    const { lines } = await notifyAndDeliver(bound, take);
    expect(lines.filter((l) => "requestId" in l)).toHaveLength(1);
    expect(lines.filter((l) => l.event === "delivery_attempt")).toHaveLength(1);
  });

  it("reads a sample rate, `all`, sources and routes; ignores what means nothing", () => {
    const setting = parseLogSuccess(" 0.01, source:pix,route:erp , nonsense, source:, 7 ");
    expect(setting.rate).toBe(0.01);
    expect([...setting.sources]).toEqual(["pix"]);
    expect([...setting.routes]).toEqual(["erp"]);
    expect(parseLogSuccess("all").rate).toBe(1);
    expect(parseLogSuccess(undefined).rate).toBe(0);
    expect(wantsSuccess(setting, { source: "pix" }, () => 0.99)).toBe(true);
    expect(wantsSuccess(setting, { source: "acme", route: "erp" }, () => 0.99)).toBe(true);
    expect(wantsSuccess(setting, { source: "acme" }, () => 0.5)).toBe(false);
    expect(wantsSuccess(setting, { source: "acme" }, () => 0.005)).toBe(true);
  });
});

describe("with the event log off, the logs alone say where a notification is", () => {
  it("each consumer batch writes one line naming every envelope it delivered, and the route", async () => {
    const { bound, take } = setup({ eventLog: { enabled: false } });
    await notifyAndDeliver(bound, take);
    const { id, lines } = await notifyAndDeliver(bound, take);
    expect(lines).toEqual([expect.objectContaining({ event: "delivered", ids: [`acme:${id}`], routes: ["ledger"], statuses: [200] })]);
  });
});
