import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";

/** Where fresh ids come from; tests pass a deterministic one. */
export interface Fresh {
  uuid(): string;
  /** `length` characters of [0-9a-z]. */
  alphanumeric(length: number): string;
  /** `length` decimal digits. */
  digits(length: number): string;
}

const ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz";

export const randomFresh: Fresh = {
  uuid: () => randomUUID(),
  alphanumeric: (length) => Array.from(randomBytes(length), (byte) => ALPHANUMERIC[byte % 36]).join(""),
  digits: (length) => Array.from({ length }, () => String(randomInt(10))).join(""),
};

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A BP-e access key (chave de acesso, 44 digits) with a new random code (cBP, digits 36-43)
 * and its check digit recomputed (mod 11, weights 2-9 from the right), so it stays a valid key
 * of the same issuer, series and number.
 */
export function freshChBPe(key: string, fresh: Fresh): string {
  const base = /^\d{44}$/.test(key) ? key.slice(0, 35) : fresh.digits(35);
  const withoutDigit = base + fresh.digits(8);
  return withoutDigit + accessKeyCheckDigit(withoutDigit);
}

export function accessKeyCheckDigit(digits: string): string {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += Number(digits[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const rest = sum % 11;
  return String(rest < 2 ? 0 : 11 - rest);
}

/**
 * A Pix end-to-end id as the SPI forms it: "E", the payer PSP's ISPB (8 digits), the UTC
 * date and time (yyyyMMddHHmm) and 11 alphanumeric characters, 32 in all.
 */
export function freshEndToEndId(now: Date, fresh: Fresh, ispb = "12345678"): string {
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 12);
  return `E${ispb}${stamp}${fresh.alphanumeric(11)}`;
}

/** `2024-09-05T10:00:00-03:00`: a local time in Brasília, as the Brazilian providers write it. */
export function brasiliaTime(now: Date): string {
  const local = new Date(now.getTime() - 3 * 3600_000);
  return `${local.toISOString().slice(0, 19)}-03:00`;
}
