import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { searchRows } from "../../src/ledger/scan";
import type { EventSummary } from "../../src/ledger/schema";
import { DayTables, dayOf } from "../../src/ledger/tables";
import { callWorker, uniqueId } from "../helpers";
import { ACME_PASSWORD, admin, bindings, eventConfig, route } from "./helpers";

// Issue 33, finding 2: "where is my notification?" by the id the provider gave. The search field
// and GET /admin/events?q= find every envelope of a notification by the provider's id, by
// subject, and by the business keys each adapter declares, through an index in the ledger.

const bound = bindings({
  ...eventConfig([route("payments", ["pix.*", "bs2.*"])]),
  sources: {
    bs2: { provider: "bs2-boleto", auth: [{ type: "basic", username: "acme", password: { secret: "ACME_PASSWORD" } }] },
    pix: { provider: "pix", auth: [{ type: "none" }] },
  },
});

function post(source: string, body: unknown) {
  return callWorker(
    new Request(`https://gw.example/hooks/${source}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${btoa(`acme:${ACME_PASSWORD}`)}` },
      body: JSON.stringify(body),
    }),
    bound,
  );
}

async function search(q: string): Promise<string[]> {
  const { status, body } = await admin<{ events: EventSummary[] }>(`/admin/events?q=${encodeURIComponent(q)}`, bound);
  expect(status).toBe(200);
  return body.events.map((e) => e.type).sort();
}

describe("search by the provider's own id (issue 33, finding 2)", () => {
  it("finds every status of a BS2 boleto by its Id, its NossoNumero (subject) and its SeuNumero", async () => {
    const Id = uniqueId("bs2");
    const [nosso, seu] = [uniqueId("nn"), uniqueId("PEDIDO")];
    for (const status of [1, 3]) {
      const body = {
        Id,
        NossoNumeroBoleto: nosso,
        SeuNumeroBoleto: seu,
        Valor: "150.00",
        StatusBoleto: { Status: status, DataStatus: "2026-12-01T10:00:00Z" },
      };
      expect((await post("bs2", body)).status).toBe(202);
    }
    const both = ["bs2.boleto.registered", "bs2.boleto.settled"];
    expect(await search(Id)).toEqual(both);
    expect(await search(nosso)).toEqual(both);
    expect(await search(seu)).toEqual(both);
  });

  it("finds a Pix and its refunds by the endToEndId, and the Pix by its txid", async () => {
    const endToEndId = `E${uniqueId().replace(/[^a-zA-Z0-9]/g, "")}`.slice(0, 32);
    const txid = uniqueId("tx").replace(/-/g, "");
    const item = {
      endToEndId,
      txid,
      valor: "10.00",
      horario: "2026-12-01T10:00:00Z",
      devolucoes: [{ id: uniqueId("D"), rtrId: "D1", valor: "1.00", horario: { solicitacao: "2026-12-01T10:05:00Z" }, status: "EM_PROCESSAMENTO" }],
    };
    expect((await post("pix", { pix: [item] })).status).toBe(202);
    expect(await search(endToEndId)).toEqual(["pix.received", "pix.refund.em_processamento"]);
    expect(await search(txid)).toEqual(["pix.received", "pix.refund.em_processamento"]);
    expect(await search(item.devolucoes[0]!.id)).toEqual(["pix.refund.em_processamento"]);
    expect(await search(uniqueId("nothing"))).toEqual([]);
  });

  it("reads the index and the rows by key, never a scan, however many rows the day has", async () => {
    const stub = env.LEDGER!.get(env.LEDGER!.idFromName(uniqueId("search-plan")));
    const plans = await runInDurableObject(stub, async (_: unknown, state) => {
      const tables = new DayTables(state.storage.sql);
      const day = dayOf(Date.now());
      const [ev, sk] = [tables.table("ev", day), tables.table("sk", day)];
      state.storage.sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
         INSERT INTO ${ev} (key, id, source, type, subject, time, received_at, state, envelope, requests, deliveries)
         SELECT 'pix:' || i, 'pix:' || i, 'pix', 'pix.received', 'T-' || i, '', i, 'pending', NULL, '[]', '{}' FROM n`,
      );
      state.storage.sql.exec(`INSERT INTO ${sk} (term, seq) SELECT 'T-' || seq, seq FROM ${ev}`);
      state.storage.sql.exec(`INSERT INTO ${sk} (term, seq) SELECT 'E-' || (seq / 3), seq FROM ${ev}`);
      const statements: string[][] = [];
      const run = tables.run.bind(tables);
      tables.run = ((query: string, ...params: unknown[]) => {
        statements.push(
          state.storage.sql
            .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...params)
            .toArray()
            .map((r) => r.detail),
        );
        return run(query, ...params);
      }) as typeof tables.run;
      const found = searchRows(tables, "E-100", 50);
      tables.run = run;
      return { statements, found: found.map((r) => r.id) };
    });
    expect(plans.found).toEqual(["pix:302", "pix:301", "pix:300"]);
    for (const plan of plans.statements) {
      expect(plan.join(" ")).toMatch(/SEARCH/);
      expect(plan.join(" ")).not.toMatch(/SCAN/);
    }
  });
});
