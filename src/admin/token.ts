/**
 * What an `ADMIN_TOKEN` must be to guard the admin API and the console. A short token can be
 * guessed, and the example file's placeholder is public: with either, the admin API is off
 * (503 `admin_disabled`, saying why) rather than open to whoever tries it. `check-config` and
 * `npm start` say the same when they can see the token.
 */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** The value `.dev.vars.example` ships with. */
export const EXAMPLE_ADMIN_TOKEN = "change-me-to-a-long-random-string";

/** Why the token cannot guard the admin API, or undefined when it can. Never repeats the token. */
export function adminTokenProblem(token: string): string | undefined {
  const hint = "the admin API and console answer 503 admin_disabled until it is replaced (openssl rand -hex 32)";
  if (token === EXAMPLE_ADMIN_TOKEN) return `ADMIN_TOKEN is the example file's placeholder: ${hint}`;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) return `ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters: ${hint}`;
  return undefined;
}
