import { importJwk, type JwsAlgorithm, publicKeyCheck, type SignatureCheck } from "./jwt-algorithms";

const DEFAULT_LIFETIME_S = 600;
const MIN_LIFETIME_S = 60;
const MAX_LIFETIME_S = 3600;
/** However many unknown `kid`s arrive, the key set is fetched at most this often. */
const MIN_FETCH_INTERVAL_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;

interface CachedKey {
  kid: string | undefined;
  check: SignatureCheck;
}

/** Checks for the keys that may have signed a token with this `kid`; empty when none. */
export type KeySource = (kid: string | undefined, now: number) => Promise<SignatureCheck[]>;

/**
 * A JWKS fetched on first use and kept for its Cache-Control max-age, bounded to 1-60 minutes
 * (10 without one). An unknown `kid` refetches (the issuer may have rotated), throttled so a
 * stream of made-up kids cannot make us hammer the issuer. Times come from the request's `now`.
 */
export function createJwksKeySource(url: string, algorithm: JwsAlgorithm, fetcher: typeof fetch): KeySource {
  let keys: CachedKey[] = [];
  let expiresAt = 0;
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  function refresh(now: number): Promise<void> {
    if (inFlight) return inFlight;
    if (now - lastFetchAt < MIN_FETCH_INTERVAL_MS) return Promise.resolve();
    lastFetchAt = now;
    inFlight = load(now).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function load(now: number): Promise<void> {
    try {
      const response = await fetcher(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return;
      }
      const loaded = await importKeySet(await response.json(), algorithm);
      keys = loaded;
      expiresAt = now + lifetimeSeconds(response.headers.get("cache-control")) * 1000;
    } catch {
      // Unreachable or unreadable: the keys we had (if still fresh) stay; callers fail closed.
    }
  }

  const select = (kid: string | undefined) => keys.filter((key) => kid === undefined || key.kid === kid);

  return async (kid, now) => {
    if (now >= expiresAt) await refresh(now);
    if (now >= expiresAt) return [];
    let matching = select(kid);
    if (matching.length === 0) {
      await refresh(now);
      matching = now < expiresAt ? select(kid) : [];
    }
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
