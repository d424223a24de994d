import { pix } from "./pix";
import type { Adapter } from "./types";

/**
 * Efí (formerly Gerencianet) Pix callbacks: Banco Central's Pix webhook, read by ./pix.ts, with
 * the types in Efí's own namespace (`efi.pix.received`, `efi.pix.refund.<status>`, …) so a route
 * can tell Efí's Pix from another PSP's.
 *
 * Efí appends `/pix` to the registered URL: register `https://<gateway>/hooks/<source>` and the
 * callbacks arrive on `/hooks/<source>/pix`. With mTLS (Efí's default) the source takes `mtls`;
 * an account that skips it (`x-skip-mtls-checking`) registers `…?hmac=<secret>&ignorar=`, so the
 * appended `/pix` lands in `ignorar`, and the source takes a `query` rule on `hmac` and `ipAllow`
 * with Efí's published source address (docs/providers.md).
 */
export const efi: Adapter = {
  defaultMethods: pix.defaultMethods,
  defaultDedupTtlSeconds: pix.defaultDedupTtlSeconds,
  async adapt(request, source, maxNotifications) {
    const result = await pix.adapt(request, source, maxNotifications);
    if (!result.ok) return result;
    return { ok: true, notifications: result.notifications.map((n) => ({ ...n, type: `efi.${n.type}` })) };
  },
};
