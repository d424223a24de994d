/**
 * Plain http is allowed only where the URL itself names this machine: local development
 * (`wrangler dev`, tests). Cloudflare's edge never serves these hostnames.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

/** https anywhere, or http to this machine. */
export function isSecureOrLocal(url: URL): boolean {
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
}
