import type { ProviderName } from "../config/providers";

/**
 * Type namespaces that provider adapters and the gateway own. A route without `sources`
 * matches on type alone, so a type in one of these must come from its owner: a `generic` or
 * `standard-webhooks` sender choosing `bs2.boleto.settled` could otherwise reach the ledger.
 * `hookgate.` belongs to the gateway's own operational events, which no adapter emits.
 */
export const RESERVED_NAMESPACES: Readonly<Record<string, readonly ProviderName[]>> = {
  "ns.": ["ns-bpe"],
  "bs2.": ["bs2-boleto", "bs2-spi"],
  "pix.": ["pix"],
  "bmp.": ["bmp"],
  "mercadopago.": ["mercadopago"],
  "asaas.": ["asaas"],
  "pagbank.": ["pagbank"],
  "starkbank.": ["starkbank"],
  "efi.": ["efi"],
  "pagarme.": ["pagarme"],
  "iugu.": ["iugu"],
  "hookgate.": [],
};

/** The reserved namespace `type` falls in (any letter case), or undefined. */
export function reservedNamespaceOf(type: string): string | undefined {
  const lower = type.trim().toLowerCase();
  return Object.keys(RESERVED_NAMESPACES).find((prefix) => lower.startsWith(prefix));
}

/** True when `provider` may emit `type`: outside every reserved namespace, or inside its own. */
export function mayEmit(provider: ProviderName, type: string): boolean {
  const namespace = reservedNamespaceOf(type);
  return namespace === undefined || (RESERVED_NAMESPACES[namespace] ?? []).includes(provider);
}
