import * as z from "zod";
import { targetUrlProblem } from "../net/targets";
import { nearest } from "./spelling";

/**
 * What every config schema is built from. Every object is `closed`: a key it does not know is an
 * error naming the object's path and the key (a typo such as `dedupTtlSecond` is never silently
 * ignored). New objects take `closed({...})` too; a test walks the generated JSON Schema and
 * names any object left open.
 */
export function closed<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, Object.keys(shape)) : undefined),
  });
}

function unknownKeysMessage(unknown: readonly string[], known: readonly string[]): string {
  return unknown
    .map((key) => {
      const near = nearest(key, known);
      return near ? `unknown key "${key}" (did you mean "${near}"?)` : `unknown key "${key}"`;
    })
    .join("; ");
}

export const slug = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be 1-64 characters of a-z, 0-9 and -");

export const nonEmpty = z.string().min(1, "must not be empty");

export const WhsecSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a "whsec_..." secret')
  .refine((secret) => decodedLength(secret.slice("whsec_".length)) > 0, "must hold a key after whsec_");

function decodedLength(base64: string): number {
  try {
    return atob(base64).length;
  } catch {
    return 0;
  }
}

/** A target or PSP URL the gateway may call; loopback only in local development (net/targets.ts). */
export function isAllowedTargetUrl(value: string, localDev = true): boolean {
  return targetUrlProblem(value, { localDev }) === undefined;
}
