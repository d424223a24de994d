import * as z from "zod";

/** The adapters a source may name (src/adapters/). Kept apart so adapters can name them without importing the config. */
export const ProviderName = z.enum([
  "generic",
  "standard-webhooks",
  "ns-bpe",
  "bs2-boleto",
  "bs2-spi",
  "pix",
  "bmp",
  "mercadopago",
  "asaas",
  "pagbank",
  "starkbank",
  "efi",
  "pagarme",
  "iugu",
]);
export type ProviderName = z.infer<typeof ProviderName>;
