import type { AuthFailure } from "./types";

/** A signed timestamp in whole seconds since the epoch, within `toleranceSeconds` of `now` (ms) either way. */
export function checkTimestamp(value: string, now: number, toleranceSeconds: number): AuthFailure | undefined {
  if (!/^\d{1,15}$/.test(value)) return "malformed";
  const drift = Math.abs(Math.floor(now / 1000) - Number(value));
  return drift > toleranceSeconds ? "expired" : undefined;
}
