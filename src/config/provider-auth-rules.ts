import * as z from "zod";
import { closed, nonEmpty } from "./closed";

/**
 * The auth rules of providers whose scheme fits no generic rule (docs/auth.md, docs/providers.md).
 * Each rule's `type` is the provider's name; the secret sits under the name the provider's own
 * documents give it. Any string may be a `{"secret": "NAME"}` reference.
 */

export const MercadoPagoRule = closed({
  type: z.literal("mercadopago"),
  secret: nonEmpty.describe("The application's webhook secret (Your integrations → Webhooks → secret signature)."),
  toleranceSeconds: z
    .number()
    .int()
    .positive()
    .default(600)
    .describe("How far the signed ts may be from now, either way; ts in seconds or milliseconds are both read."),
}).describe("Mercado Pago: x-signature ts=…,v1=HMAC-SHA256 over id:{data.id};request-id:{x-request-id};ts:{ts}; (the body is not covered).");

export const AsaasRule = closed({
  type: z.literal("asaas"),
  token: z
    .string()
    .min(32, "Asaas takes an authentication token of 32 to 255 characters")
    .max(255, "Asaas takes an authentication token of 32 to 255 characters")
    .describe("The webhook's authentication token, as typed in Asaas; Asaas sends it in asaas-access-token."),
}).describe("Asaas: the asaas-access-token header must equal this token (static; the body is not signed).");

export const PagBankRule = closed({
  type: z.literal("pagbank"),
  token: nonEmpty.describe("The account's PagBank token (the one the API is called with)."),
}).describe("PagBank: x-authenticity-token must be the SHA-256 hex of token + '-' + the raw body.");

export const StarkBankRule = closed({
  type: z.literal("starkbank"),
  publicKey: z
    .string()
    .regex(/^\s*-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*$/, "must be a PEM public key (-----BEGIN PUBLIC KEY-----)")
    .describe("Stark Bank's secp256k1 public key as PEM, as GET /v2/public-key answers it; pin it here (sandbox and production differ)."),
}).describe("Stark Bank: Digital-Signature is a base64 DER ECDSA secp256k1/SHA-256 signature of the raw body by Stark Bank's key.");

export const PagarmeRule = closed({
  type: z.literal("pagarme"),
  secret: nonEmpty.describe("The Pagar.me API key (ak_…/sk_…) the postbacks are signed with."),
}).describe("Pagar.me postbacks: X-Hub-Signature sha1=HMAC-SHA1 of the raw body keyed with the API key.");
