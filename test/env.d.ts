// Tells `cloudflare:workers` (env, exports) about this project's bindings and main module.
declare namespace Cloudflare {
  interface Env extends import("../src/env").Env {}
  interface GlobalProps {
    mainModule: typeof import("../src/index");
  }
}
