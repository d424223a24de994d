/**
 * One error class, one code enum, one body shape:
 * `{"error":{"code":"unauthorized","message":"..."},"requestId":"..."}`.
 * Messages are written for the caller and never carry a secret or a request body.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_payload: 400,
  unauthorized: 401,
  forbidden: 403,
  https_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  bad_config: 500,
  internal_error: 500,
  unavailable: 503,
  /** The admin API is off: ADMIN_TOKEN is too weak to guard it (admin/token.ts). */
  admin_disabled: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  readonly headers: Record<string, string>;
  /** Why, for the log only: never sent to the caller. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}, detail?: string) {
    // An answer to a caller (a 401, a 404), not a crash: V8 would walk and keep the stack for
    // every Error made, the largest single cost of a refused request (`npm run bench:profile -- --rejected`).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "GatewayError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = headers;
    this.detail = detail;
  }

  /** 503 with `Retry-After`: nothing was kept, and the caller's retry will get through. */
  static unavailable(message: string, retryAfterSeconds?: number, detail?: string): GatewayError {
    return new GatewayError(
      "unavailable",
      message,
      { "Retry-After": retryAfterSeconds === undefined ? RETRY_AFTER_SECONDS : String(retryAfterSeconds) },
      detail,
    );
  }
}

/** How long a caller told `unavailable` should wait: long enough for a blip to pass, short for a provider's budget. */
const RETRY_AFTER_SECONDS = "5";

export function errorBody(code: ErrorCode, message: string, requestId: string) {
  return { error: { code, message }, requestId };
}
