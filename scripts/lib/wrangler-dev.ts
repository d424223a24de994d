/**
 * The arguments `npm start` runs `wrangler dev` with. It binds 127.0.0.1 alone: a local server
 * believes whatever a client says about itself (a `MF-CF-Blob` header sets `request.cf`, so a
 * client certificate's verdict; `CF-Connecting-IP` is the client's to write), so it must not be
 * reachable from another machine (docs/security.md).
 */
export const LOCAL_BIND_ADDRESS = "127.0.0.1";

export function wranglerDevArgs(options: { port: number; scheme: "http" | "https"; envFile: string }): string[] {
  return [
    "dev",
    "--ip",
    LOCAL_BIND_ADDRESS,
    "--port",
    String(options.port),
    "--local-protocol",
    options.scheme,
    "--show-interactive-dev-session=false",
    "--env-file",
    options.envFile,
  ];
}
