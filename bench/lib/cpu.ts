/**
 * CPU time of the workerd processes Miniflare starts, read from /proc (Linux): what a worker's
 * requests cost in CPU, measured the way the machine counts it, so a loaded machine slows the
 * run but does not inflate the figure (a sampling profiler's wall-clock samples would). The
 * process also parses HTTP and runs Miniflare's simulators, which Cloudflare does not bill:
 * a body-only worker's figure, measured the same way, is that floor.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Every workerd process below this one, by pid. */
export function workerdPids(): Set<number> {
  const pids = new Set<number>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of entries) {
    const stat = readStat(Number(entry));
    if (!stat) continue;
    parents.set(Number(entry), stat.ppid);
    names.set(Number(entry), stat.comm);
  }
  for (const [pid, name] of names) {
    if (!name.startsWith("workerd")) continue;
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) {
      if (at === process.pid) {
        pids.add(pid);
        break;
      }
    }
  }
  return pids;
}

/** User + system CPU of the processes, in ms. */
export function cpuMs(pids: Iterable<number>): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.ticks ?? 0;
  return (ticks * 1000) / TICKS_PER_SECOND;
}

function readStat(pid: number): { comm: string; ppid: number; ticks: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After "(comm)": state ppid ... utime (14th field overall, index 11 here) stime (index 12).
    return { comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}
