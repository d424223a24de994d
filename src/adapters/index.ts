import type { ProviderName } from "../config/schema";
import { bmp } from "./bmp";
import { bs2Boleto } from "./bs2-boleto";
import { bs2Spi } from "./bs2-spi";
import { generic } from "./generic";
import { nsBpe } from "./ns-bpe";
import { pix } from "./pix";
import { standardWebhooks } from "./standard-webhooks";
import type { Adapter } from "./types";

export const adapters: Record<ProviderName, Adapter> = {
  generic,
  "standard-webhooks": standardWebhooks,
  "ns-bpe": nsBpe,
  "bs2-boleto": bs2Boleto,
  "bs2-spi": bs2Spi,
  pix,
  bmp,
};
