import { env } from "cloudflare:workers";
import type { Ledger } from "../../src/ledger/object";
import { keyOfId, type LedgerStub, shardOf, shardStub } from "../../src/ledger/shard";

/** The default ledger config (16 shards, no location hint). */
export const LEDGER = { shards: 16 };

export function shard(index: number): LedgerStub {
  return shardStub(env.LEDGER!, LEDGER, index);
}

/** The shard that keeps an envelope id's row. */
export function shardFor(id: string): LedgerStub {
  return shard(shardOf(keyOfId(id), LEDGER.shards));
}

/** Every table of every shard, as JSON text: what a test searches for a secret. */
export async function everyShardText(): Promise<string> {
  const { runInDurableObject } = await import("cloudflare:test");
  const texts = await Promise.all(
    Array.from({ length: LEDGER.shards }, (_, i) =>
      runInDurableObject(shard(i), async (_: Ledger, state) => {
        const tables = state.storage.sql
          .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'")
          .toArray();
        return tables.map(({ name }) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray())).join("\n");
      }),
    ),
  );
  return texts.join("\n");
}

/** The rows (with their detail) the ledger holds for an envelope id. */
export function rowsOf(id: string) {
  return shardFor(id).find([id, keyOfId(id)], 10);
}

/** What every shard's SQLite reported read and written, summed. */
export async function metered(): Promise<{ rowsRead: number; rowsWritten: number; tableRowsWritten: number }> {
  const meters = await Promise.all(Array.from({ length: LEDGER.shards }, (_, i) => shard(i).meter()));
  return meters.reduce(
    (sum, m) => ({
      rowsRead: sum.rowsRead + m.rowsRead,
      rowsWritten: sum.rowsWritten + m.rowsWritten,
      tableRowsWritten: sum.tableRowsWritten + m.tableRowsWritten,
    }),
    { rowsRead: 0, rowsWritten: 0, tableRowsWritten: 0 },
  );
}
