/**
 * The event log's migrations applied to local D1 state: `wrangler dev` does not apply them
 * itself. Offline and without an account (`--local`); CI=true makes wrangler apply without
 * asking. Used by `npm start` and the browser tests (with their own `persistTo`).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export interface Applied {
  ok: boolean;
  /** Nothing was pending. */
  upToDate: boolean;
  /** wrangler's output, for the error message when it failed. */
  output: string;
}

export function applyLocalMigrations(env: NodeJS.ProcessEnv, persistTo?: string): Applied {
  const args = ["d1", "migrations", "apply", "EVENTS", "--local", ...(persistTo === undefined ? [] : ["--persist-to", persistTo])];
  const run = spawnSync(join("node_modules", ".bin", "wrangler"), args, { env: { ...env, CI: "true" }, encoding: "utf8" });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  return { ok: run.status === 0, upToDate: /No migrations to apply/.test(output), output };
}
