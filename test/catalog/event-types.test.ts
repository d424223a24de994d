import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { adapters } from "../../src/adapters";
import { mayEmit } from "../../src/adapters/reserved";
import { dataSchema, eventTypeEntries, findEventType } from "../../src/catalog";
import { Envelope } from "../../src/envelope";
import { providerRequest, sourceFor } from "../adapters/provider-request";
import { admin, bindings, eventConfig } from "../ledger/helpers";
import { fixtures } from "./adapter-fixtures";

/**
 * The catalog against what the adapters make: every adapter is run on the published examples its
 * tests use (and the statuses and resources their tests cover: ./adapter-fixtures.ts), and every
 * notification's type must have an entry for that provider whose JSON Schema its data passes.
 */

function validate(schema: Record<string, unknown>, value: unknown): string[] {
  const result = new Validator(schema as never, "2020-12", false).validate(value);
  return result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
}

describe("the event-type catalog", () => {
  it("runs every adapter whose types are its own (all but generic and standard-webhooks)", () => {
    const run = new Set(fixtures.map(([provider]) => provider));
    const own = Object.keys(adapters).filter((provider) => provider !== "generic" && provider !== "standard-webhooks");
    expect([...run].sort()).toEqual(own.sort());
  });

  it("has an entry, with a schema its data passes, for every type the adapters make of their examples", async () => {
    const seen = new Set<string>();
    for (const [provider, init] of fixtures) {
      const result = await adapters[provider].adapt(providerRequest(init), sourceFor(provider), 1000);
      expect(result, `${provider} ${JSON.stringify(init).slice(0, 80)}`).toMatchObject({ ok: true });
      if (!result.ok) continue;
      for (const notification of result.notifications) {
        seen.add(notification.type);
        const entry = findEventType(notification.type);
        expect(entry, `no catalog entry for ${notification.type}`).toBeDefined();
        expect(entry!.sources).toContain(provider);
        const data = notification.payload.kind === "json" ? notification.payload.value : undefined;
        expect(validate(dataSchema(entry!), data), `${notification.type}'s data`).toEqual([]);
      }
    }
    // Every entry of these providers was met by some example: none is left untested.
    const untested = eventTypeEntries.filter((entry) => ![...seen].some((type) => findEventType(type) === entry));
    expect(untested.map((e) => e.type)).toEqual([]);
  });

  it("has examples that validate against their own schema and are found under their own entry", () => {
    for (const entry of eventTypeEntries) {
      expect(validate(dataSchema(entry), entry.example.data), entry.type).toEqual([]);
      expect(findEventType(entry.example.type)).toBe(entry);
      expect(entry.example.source).toMatch(/^\/hooks\//);
      expect(Envelope.safeParse(entry.example).success, `${entry.type}'s example is an envelope`).toBe(true);
      for (const provider of entry.sources) expect(mayEmit(provider, entry.example.type), `${provider} may emit ${entry.example.type}`).toBe(true);
    }
  });

  it("refuses data that breaks a schema, naming the path", () => {
    const entry = findEventType("bs2.boleto.settled")!;
    expect(validate(dataSchema(entry), { Id: "1", StatusBoleto: { Status: { nested: true } } }).join("\n")).toMatch(/#\/StatusBoleto/);
  });
});

describe("GET /admin/event-types", () => {
  const bound = bindings(eventConfig([]));

  it("lists every type of the catalog with its providers", async () => {
    const list = await admin<{ eventTypes: { type: string; sources: string[] }[] }>("/admin/event-types", bound);
    expect(list.status).toBe(200);
    expect(list.body.eventTypes.map((t) => t.type)).toEqual(eventTypeEntries.map((e) => e.type));
    expect(list.body.eventTypes).toContainEqual(expect.objectContaining({ type: "bs2.boleto.settled", sources: ["bs2-boleto"] }));
  });

  it("answers one type (or the glob that takes it) with its schema and an example envelope", async () => {
    const settled = await admin<{ type: string; schema: { properties: Record<string, unknown> }; example: { type: string } }>(
      "/admin/event-types/bs2.boleto.settled",
      bound,
    );
    expect(settled.status).toBe(200);
    expect(settled.body.type).toBe("bs2.boleto.settled");
    expect(Object.keys(settled.body.schema.properties)).toContain("StatusBoleto");
    expect(settled.body.example.type).toBe("bs2.boleto.settled");
    const refund = await admin<{ type: string }>(`/admin/event-types/${encodeURIComponent("pix.refund.DEVOLVIDO")}`, bound);
    expect(refund.body.type).toBe("pix.refund.*");
    expect((await admin("/admin/event-types/acme.paid", bound)).status).toBe(404);
  });
});
