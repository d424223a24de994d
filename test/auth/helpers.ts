import type { AuthRequest } from "../../src/auth/types";

export interface RequestParts {
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  now?: number;
}

/** The plain data an authenticator reads, as the ingest pipeline hands it over. */
export function authRequest(parts: RequestParts = {}): AuthRequest {
  const body = parts.body ?? "";
  return {
    method: parts.method ?? "POST",
    url: new URL(parts.url ?? "https://gw.example/hooks/acme"),
    headers: new Headers(parts.headers ?? {}),
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
    now: parts.now ?? Date.UTC(2025, 0, 1),
  };
}

export const failure = (reason: string) => ({ ok: false, reason });
export const PASSED = { ok: true };

export function basicHeader(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export async function hmac(hash: string, secret: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", typeof secret === "string" ? enc.encode(secret) : secret, { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, typeof data === "string" ? enc.encode(data) : data));
}
