import type { ProviderName } from "../../src/config/schema";
import * as examples from "./examples";
import type { Json } from "./json";
import * as payments from "./provider-examples";
import type { Provider } from "./simulation";

/** The Brazilian payment providers' simulations: their documents' examples, ids freshened by --unique. */
export const PAYMENT_PROVIDERS: Record<Extract<ProviderName, "mercadopago" | "asaas" | "pagbank" | "starkbank" | "efi" | "pagarme" | "iugu">, Provider> = {
  mercadopago: {
    method: "POST",
    path: () => "",
    example: () => payments.mercadoPagoPaymentUpdated(),
    freshen(body, { fresh, now }) {
      body.id = Number(fresh.digits(11));
      body.date_created = now.toISOString();
    },
    // The signed data.id travels in the URL, beside a request id of Mercado Pago's.
    extras: ({ file }, messageId) => ({
      query: [
        ["data.id", String((fileJson(file)?.data as Json | undefined)?.id ?? payments.mercadoPagoPaymentUpdated().data.id)],
        ["type", "payment"],
      ],
      headers: { "x-request-id": `${messageId.slice(0, 8)}-${messageId.slice(8, 12)}-${messageId.slice(12, 16)}-${messageId.slice(16, 24)}` },
    }),
  },
  asaas: {
    method: "POST",
    path: () => "",
    example: () => payments.asaasPaymentReceived(),
    freshen(body, { fresh }) {
      body.id = `evt_${fresh.alphanumeric(32).toLowerCase()}`;
    },
  },
  pagbank: {
    method: "POST",
    path: () => "",
    example: () => payments.pagBankOrderPaid(),
    freshen(body, { fresh }) {
      body.reference_id = `ex-${fresh.digits(5)}`;
    },
  },
  starkbank: {
    method: "POST",
    path: () => "",
    example: () => payments.starkBankBoletoPaid(),
    freshen(body, { fresh }) {
      if (typeof body.event === "object" && body.event !== null) (body.event as Json).id = fresh.digits(16);
    },
  },
  efi: {
    method: "POST",
    path: () => "/pix", // Efí appends /pix to the registered URL
    example: () => examples.pixReceived(),
    freshen(body, { fresh }) {
      for (const item of Array.isArray(body.pix) ? (body.pix as Json[]) : []) item.txid = fresh.alphanumeric(32);
    },
  },
  pagarme: {
    method: "POST",
    path: () => "",
    example: () => payments.pagarmeOrderPaid(),
    freshen(body, { fresh }) {
      body.id = `hook_${fresh.alphanumeric(16)}`;
    },
  },
  iugu: {
    method: "POST",
    path: () => "",
    example: () => undefined,
    form: ({ unique, fresh }) =>
      unique ? payments.IUGU_INVOICE_PAID.replace("1757E1D7FD5E410A9C563024250015BF", fresh.alphanumeric(32).toUpperCase()) : payments.IUGU_INVOICE_PAID,
    freshen: () => {},
  },
};

function fileJson(file: Uint8Array | undefined): Json | undefined {
  if (!file) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(file).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
