import type { Source } from "./schema";

/**
 * What check-config tells about a payment provider's source whose protection covers less than
 * it could (docs/providers.md): valid, so never refused, but worth knowing before going live.
 */
export function providerWarnings(name: string, source: Source): string[] {
  const at = `sources.${name}`;
  const types = new Set(source.auth.map((rule) => rule.type));
  switch (source.provider) {
    case "mercadopago":
      if (!types.has("mercadopago")) return [`${at}: no "mercadopago" rule: Mercado Pago's x-signature goes unchecked`];
      return source.confirm ? [] : [`${at}: Mercado Pago signs data.id, not the body: add "confirm" to read the payment's status from its API`];
    case "asaas":
      if (!types.has("asaas")) return [`${at}: no "asaas" rule: the asaas-access-token header goes unchecked`];
      return source.confirm ? [] : [`${at}: Asaas's token is static and covers no body: add "confirm" to compare status and value with its API`];
    case "pagbank":
      return types.has("pagbank") ? [] : [`${at}: no "pagbank" rule: x-authenticity-token goes unchecked`];
    case "starkbank":
      return types.has("starkbank") ? [] : [`${at}: no "starkbank" rule: Stark Bank's Digital-Signature goes unchecked`];
    case "pagarme":
      return types.has("pagarme")
        ? []
        : [`${at}: no "pagarme" rule: only Pagar.me v4 postbacks are signed; a v5 webhook is a hint to read the order from Pagar.me's API`];
    case "iugu": {
      const missing = [source.ipAllow ? undefined : '"ipAllow" with iugu\'s addresses', source.confirm ? undefined : '"confirm"'].filter(Boolean);
      return missing.length === 0 ? [] : [`${at}: iugu signs nothing: add ${missing.join(" and ")}`];
    }
    case "efi":
      if (source.mtls) return [];
      return types.has("query") && source.ipAllow
        ? []
        : [`${at}: without "mtls", Efí's callbacks need a "query" rule on hmac and "ipAllow": ["34.193.116.226/32"]`];
    default:
      return [];
  }
}
