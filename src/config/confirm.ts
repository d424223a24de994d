import * as z from "zod";
import { targetUrlProblem } from "../net/targets";
import { closed, nonEmpty } from "./closed";
import type { ProviderName } from "./providers";

/** The providers whose API confirm-by-fetch knows how to read (src/confirm/providers.ts). */
export const CONFIRMABLE_PROVIDERS: readonly ProviderName[] = ["mercadopago", "asaas", "iugu", "pagbank"];

/** The rules of a route's url: loopback passes here, and then only in local development (config/load.ts). */
const ApiUrl = z.string().check((ctx) => {
  const problem = targetUrlProblem(ctx.value, { localDev: true });
  if (problem) ctx.issues.push({ code: "custom", message: problem, input: undefined });
});

/**
 * Confirm-by-fetch (docs/providers.md): before an accepted notification is delivered, the
 * gateway reads the resource it names from the provider's API and delivers the API's answer in
 * `data.confirmed`; a notification the API contradicts, or whose resource does not exist, is kept
 * as a dead letter instead (`confirm_mismatch`, `confirm_not_found`).
 */
export const Confirm = closed({
  baseUrl: ApiUrl.optional().describe(
    "The provider's API. Default: its production API (api.mercadopago.com, api.asaas.com, api.iugu.com, api.pagseguro.com); point it at a sandbox to test.",
  ),
  token: nonEmpty.describe('The API credential (Mercado Pago access token, Asaas API key, iugu API token, PagBank token); write it as {"secret": "NAME"}.'),
}).describe("Confirm-by-fetch: read each notification's resource from the provider's API before delivering it.");
export type Confirm = z.infer<typeof Confirm>;
