/** What an auth scheme may read of a request. Plain data: no Hono, no bindings. */
export interface AuthRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The raw body, exactly as received, before anything parsed it. */
  body: Uint8Array;
  /** Milliseconds since the epoch; injected so tolerance checks are testable. */
  now: number;
}

/**
 * Why a rule did not pass. Logged (never with a secret) and never shown to the caller,
 * who only learns "unauthorized".
 */
export type AuthFailure =
  | "missing" // the credential is not in the request
  | "malformed" // it is there but cannot be read
  | "mismatch" // it does not match
  | "expired" // a timestamp or exp/nbf outside the tolerance
  | "claims" // issuer or audience do not match
  | "unknown_key" // the issuer's current key set has no key for the token
  | "key_unavailable"; // no key can be had now (JWKS down, or refetched moments ago): 503, not 401

export type AuthOutcome = { ok: true } | { ok: false; reason: AuthFailure };

/** One configured rule, checked once at creation; the closure does only per-request work. */
export type Authenticator = (request: AuthRequest) => Promise<AuthOutcome>;

export interface AuthDeps {
  /** For `jwksUrl`; injected so tests never leave the machine. */
  fetch: typeof fetch;
}
