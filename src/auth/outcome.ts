import type { AuthFailure, AuthOutcome } from "./types";

export const PASS: AuthOutcome = { ok: true };

export function fail(reason: AuthFailure): AuthOutcome {
  return { ok: false, reason };
}
