/**
 * What the demo sink prints about a delivery's Standard Webhooks signature: `unsigned` when
 * it carries none, `SIGNATURE MISMATCH` only for one that does not verify. Pure, so the tests
 * inside workerd can check it; `verified` is called only when there is something to verify.
 */
export function signatureLabel(secret: string | undefined, signatureHeader: string, verified: () => boolean): string {
  if (signatureHeader.trim() === "") return "unsigned";
  if (!secret) return "signed, not checked";
  return verified() ? "signature ok" : "SIGNATURE MISMATCH";
}
