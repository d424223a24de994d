import type { ProviderName } from "../config/schema";
import { asaas } from "./asaas";
import { bmp } from "./bmp";
import { bs2Boleto } from "./bs2-boleto";
import { bs2Spi } from "./bs2-spi";
import { efi } from "./efi";
import { generic } from "./generic";
import { iugu } from "./iugu";
import { mercadopago } from "./mercadopago";
import { nsBpe } from "./ns-bpe";
import { pagarme } from "./pagarme";
import { pagbank } from "./pagbank";
import { pix } from "./pix";
import { standardWebhooks } from "./standard-webhooks";
import { starkbank } from "./starkbank";
import type { Adapter } from "./types";

export const adapters: Record<ProviderName, Adapter> = {
  generic,
  "standard-webhooks": standardWebhooks,
  "ns-bpe": nsBpe,
  "bs2-boleto": bs2Boleto,
  "bs2-spi": bs2Spi,
  pix,
  bmp,
  mercadopago,
  asaas,
  pagbank,
  starkbank,
  efi,
  pagarme,
  iugu,
};
