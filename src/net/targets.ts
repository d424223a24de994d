import { allows, compileAllowList } from "./ip";

/**
 * Where the gateway may send requests (route targets, JWKS). A hostname is resolved by
 * Cloudflare, not here, so only what the URL itself says is checked: an IP literal in a range
 * that is not on the public Internet is refused, since it can only reach something that should
 * not be reached from a webhook gateway (a cloud metadata service at 169.254.169.254, a private
 * network behind a tunnel). Loopback (127.0.0.0/8, ::1, `localhost`) is local development:
 * allowed only when the Worker runs with `LOCAL_DEV` set (`npm start` and the tests do).
 */
const NON_PUBLIC = compileAllowList([
  // IPv4 (RFC 6890 and its updates): this network, private, CGNAT, loopback, link-local,
  // IETF protocol assignments, documentation, 6to4 relay, benchmarking, multicast, reserved.
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  // IPv6: unspecified, loopback and IPv4-compatible, NAT64 (it embeds an IPv4 address of any
  // kind), discard, IETF assignments (Teredo, ORCHID, documentation), 6to4, unique local,
  // link-local, site-local, multicast. IPv4-mapped addresses are checked as IPv4 above.
  "::/96",
  "64:ff9b::/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/23",
  "2001:db8::/32",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
]);

const LOOPBACK = compileAllowList(["127.0.0.0/8", "::1/128"]);

/** The address an URL hostname writes literally (`[::1]` without brackets), or undefined for a name. */
function ipLiteral(hostname: string): string | undefined {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return hostname.slice(1, -1);
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) ? hostname : undefined;
}

export function isLoopbackTarget(hostname: string): boolean {
  const ip = ipLiteral(hostname);
  if (ip !== undefined) return allows(LOOPBACK, ip);
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/**
 * Why `value` may not be a target, or undefined when it may. The WHATWG URL parser has already
 * turned `http://2130706433/` and `http://0x7f.1/` into `127.0.0.1`, and `[::ffff:a9fe:a9fe]`
 * into its canonical form, so those spellings are caught too.
 */
export function targetUrlProblem(value: string, options: { localDev: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an https URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an https URL";
  if (isLoopbackTarget(url.hostname)) {
    return options.localDev ? undefined : "loopback targets (localhost, 127.0.0.1, [::1]) are allowed only in local development (LOCAL_DEV)";
  }
  const ip = ipLiteral(url.hostname);
  if (ip !== undefined && allows(NON_PUBLIC, ip)) return "must not be an address in a private, loopback, link-local or other non-public range";
  if (url.protocol === "http:") return "must be an https URL (http only to loopback, in local development)";
  return undefined;
}

/** `LOCAL_DEV` is set ("1" or "true") by `npm start` and the tests; never in a deployed Worker. */
export function isLocalDev(value: unknown): boolean {
  return value === true || value === "1" || value === "true";
}
