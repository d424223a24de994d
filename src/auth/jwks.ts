import { importJwk, type JwsAlgorithm, publicKeyCheck, type SignatureCheck } from "./jwt-algorithms";

const DEFAULT_LIFETIME_S = 600;
const MIN_LIFETIME_S = 60;
const MAX_LIFETIME_S = 3600;
/** However many unknown `kid`s arrive, the key set is fetched at most this often. */
const MIN_FETCH_INTERVAL_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
/**
 * When a refresh fails, the last good keys keep serving this long past their expiry: an
 * issuer's outage must not turn every provider's token into a 401 that makes it give up.
 * Bounded, so a key the issuer withdrew is not trusted for long on a stale copy.
 */
export const STALE_KEYS_GRACE_MS = 6 * 60 * 60 * 1000;
/** How long a caller told "keys unavailable" should wait: the refetch throttle. */
export const KEYS_RETRY_AFTER_SECONDS = MIN_FETCH_INTERVAL_MS / 1000;

interface CachedKey {
  kid: string | undefined;
  check: SignatureCheck;
}

/**
 * Checks for the keys that may have signed a token with this `kid` (empty when the issuer's
 * current set has none), or `unavailable` when no answer can be had now: the set cannot be
 * fetched, or an unknown kid cannot be looked up because a refetch happened moments ago.
 */
export type KeySource = (kid: string | undefined, now: number) => Promise<SignatureCheck[] | "unavailable">;

/**
 * A JWKS fetched on first use and kept for its Cache-Control max-age, bounded to 1-60 minutes
 * (10 without one). An unknown `kid` refetches (the issuer may have rotated), throttled so a
 * stream of made-up kids cannot make us hammer the issuer. Times come from the request's `now`.
 */
export function createJwksKeySource(url: string, algorithm: JwsAlgorithm, fetcher: typeof fetch): KeySource {
  let keys: CachedKey[] = [];
  let expiresAt = 0;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let lastFetchOk = false;
  let inFlight: Promise<void> | undefined;

  /** Fetches unless one did moments ago; says whether a fetch happened and succeeded. */
  async function refresh(now: number): Promise<boolean> {
    if (inFlight) {
      await inFlight;
      return lastFetchOk;
    }
    if (now - lastFetchAt < MIN_FETCH_INTERVAL_MS) return false;
    lastFetchAt = now;
    inFlight = load(now).finally(() => {
      inFlight = undefined;
    });
    await inFlight;
    return lastFetchOk;
  }

  async function load(now: number): Promise<void> {
    lastFetchOk = false;
    try {
      // No redirect is followed: the keys come from the configured URL (checked as a target), or none do.
      const response = await fetcher(url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return;
      }
      const loaded = await importKeySet(await response.json(), algorithm);
      keys = loaded;
      expiresAt = now + lifetimeSeconds(response.headers.get("cache-control")) * 1000;
      lastFetchOk = true;
    } catch {
      // Unreachable or unreadable: the keys we had stay, within their grace.
    }
  }

  const select = (kid: string | undefined) => keys.filter((key) => kid === undefined || key.kid === kid);
  const usable = (now: number) => now < expiresAt + STALE_KEYS_GRACE_MS;

  return async (kid, now) => {
    if (now >= expiresAt) await refresh(now);
    if (!usable(now)) return "unavailable";
    let matching = select(kid);
    if (matching.length > 0) return matching.map((key) => key.check);
    // An unknown kid: the issuer may have rotated. Only a fresh set that lacks it is a "no".
    const fetched = await refresh(now);
    if (!fetched) return "unavailable";
    matching = select(kid);
    return matching.map((key) => key.check);
  };
}

async function importKeySet(body: unknown, algorithm: JwsAlgorithm): Promise<CachedKey[]> {
  const list = typeof body === "object" && body !== null && "keys" in body ? body.keys : undefined;
  if (!Array.isArray(list)) throw new Error("not a JWK set");
  const jwks = list.filter((jwk): jwk is JsonWebKey & { kid?: unknown } => typeof jwk === "object" && jwk !== null);
  const imported = await Promise.all(
    jwks.map(async (jwk) => {
      const key = await importJwk(jwk, algorithm);
      return key && { kid: typeof jwk.kid === "string" ? jwk.kid : undefined, check: publicKeyCheck(key, algorithm) };
    }),
  );
  return imported.filter((key) => key !== undefined);
}

function lifetimeSeconds(cacheControl: string | null): number {
  const maxAge = cacheControl && /(?:^|[,\s])max-age=(\d+)/i.exec(cacheControl)?.[1];
  const seconds = maxAge ? Number(maxAge) : DEFAULT_LIFETIME_S;
  return Math.min(MAX_LIFETIME_S, Math.max(MIN_LIFETIME_S, seconds));
}
