/**
 * `npm start`'s local state: what `wrangler dev` keeps between runs in .wrangler/state (KV:
 * dedup markers and routes added through the admin API; D1: the event log; Durable Objects;
 * queued messages). It survives a change of config, so the demo's events and routes stay mixed
 * with one's own until `npm start -- --fresh` wipes it. A fingerprint of the last config run
 * (its file name and a SHA-256 of its text, nothing of it in clear) tells when it changed.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalState {
  /** The repository root: the state lives in its .wrangler/. */
  root: string;
}

export interface ConfigRun {
  file: string;
  sha256: string;
}

/** wrangler dev's default --persist-to. */
export const stateDirectory = ({ root }: LocalState) => join(root, ".wrangler", "state");
const lastRunFile = ({ root }: LocalState) => join(root, ".wrangler", "hookgate-last-config.json");

/** Removes the whole local state; says whether there was any. */
export function wipeLocalState(state: LocalState): boolean {
  const directory = stateDirectory(state);
  const existed = existsSync(directory);
  rmSync(directory, { recursive: true, force: true });
  rmSync(lastRunFile(state), { force: true });
  return existed;
}

export function configRun(file: string, text: string): ConfigRun {
  return { file, sha256: createHash("sha256").update(text).digest("hex") };
}

/** The note for a run whose config differs from the last run's, when that run left state behind. */
export function configChangeNote(state: LocalState, current: ConfigRun): string | undefined {
  if (!existsSync(stateDirectory(state))) return undefined;
  const previous = readLastRun(state);
  if (previous === undefined || previous.sha256 === current.sha256) return undefined;
  const what = previous.file === current.file ? `${current.file} changed since the last run` : `the last run used ${previous.file}, this one ${current.file}`;
  return (
    `note: ${what}; the local state it left (events, dead letters, dedup markers, routes added through the admin API) ` +
    "is still here. `npm start -- --fresh` starts from empty."
  );
}

export function rememberConfigRun(state: LocalState, run: ConfigRun): void {
  writeFileSync(lastRunFile(state), `${JSON.stringify(run)}\n`);
}

function readLastRun(state: LocalState): ConfigRun | undefined {
  try {
    const run = JSON.parse(readFileSync(lastRunFile(state), "utf8")) as Partial<ConfigRun>;
    return typeof run.file === "string" && typeof run.sha256 === "string" ? { file: run.file, sha256: run.sha256 } : undefined;
  } catch {
    return undefined;
  }
}
