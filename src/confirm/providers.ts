import { asNumber, asString, field } from "../adapters/read";
import { base64Encode, utf8 } from "../bytes";
import type { ProviderName } from "../config/schema";
import type { Envelope } from "../envelope";

/** What a notification states, and what the provider's API answers, about one resource. */
export interface Claim {
  status?: string;
  amount?: number;
}

/**
 * How confirm-by-fetch reads one provider's API: where the resource an envelope names is, how
 * the API takes the credential, and which of the notification's statements to hold against the
 * answer. Pure: the call itself is src/provider-api/call.ts.
 */
export interface ApiReader {
  defaultBaseUrl: string;
  /** The resource's path under the base URL, or undefined when the envelope's type names none this reader knows. */
  path(envelope: Envelope): string | undefined;
  headers(token: string): Record<string, string>;
  claimed(data: unknown): Claim;
  answered(answer: unknown): Claim;
}

const under = (envelope: Envelope, prefix: string, resource: string) =>
  envelope.type.startsWith(prefix) && envelope.subject !== undefined ? `${resource}/${encodeURIComponent(envelope.subject)}` : undefined;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const status = (value: unknown) => asString(value)?.toUpperCase();

/** The confirmable providers (src/config/confirm.ts lists the same names for the config). */
export const API_READERS: Partial<Record<ProviderName, ApiReader>> = {
  // The notification states nothing but the payment's id: the answer is the news.
  mercadopago: {
    defaultBaseUrl: "https://api.mercadopago.com",
    path: (envelope) => under(envelope, "mercadopago.payment.", "/v1/payments"),
    headers: bearer,
    claimed: () => ({}),
    answered: (answer) => ({ status: status(field(answer, "status")), amount: asNumber(field(answer, "transaction_amount")) }),
  },
  asaas: {
    defaultBaseUrl: "https://api.asaas.com",
    path: (envelope) => under(envelope, "asaas.payment.", "/v3/payments"),
    // Asaas's API takes its key in `access_token` (the webhook's token comes in asaas-access-token).
    headers: (token) => ({ access_token: token }),
    claimed: (data) => ({ status: status(field(field(data, "payment"), "status")), amount: asNumber(field(field(data, "payment"), "value")) }),
    answered: (answer) => ({ status: status(field(answer, "status")), amount: asNumber(field(answer, "value")) }),
  },
  iugu: {
    defaultBaseUrl: "https://api.iugu.com",
    path: (envelope) => under(envelope, "iugu.invoice.", "/v1/invoices"),
    // iugu takes its API token as a Basic user with an empty password.
    headers: (token) => ({ Authorization: `Basic ${base64Encode(utf8(`${token}:`))}` }),
    claimed: (data) => ({ status: status(field(field(data, "data"), "status")) }),
    answered: (answer) => ({ status: status(field(answer, "status")) }),
  },
  pagbank: {
    defaultBaseUrl: "https://api.pagseguro.com",
    path: (envelope) => under(envelope, "pagbank.order.", "/orders") ?? under(envelope, "pagbank.charge.", "/charges"),
    headers: bearer,
    claimed: pagBankClaim,
    answered: pagBankClaim,
  },
};

/** A charge's, or an order's last charge's, status and amount (an order's own status first). */
function pagBankClaim(resource: unknown): Claim {
  const charges = field(resource, "charges");
  const charge = Array.isArray(charges) ? charges.at(-1) : resource;
  return { status: status(field(resource, "status") ?? field(charge, "status")), amount: asNumber(field(field(charge, "amount"), "value")) };
}

/** Where the API contradicts the notification, as a sentence; undefined when it does not. */
export function disagreement(claimed: Claim, answered: Claim): string | undefined {
  const problems: string[] = [];
  if (claimed.status !== undefined && claimed.status !== answered.status) {
    problems.push(`status ${answered.status ?? "(none)"} where the notification says ${claimed.status}`);
  }
  if (claimed.amount !== undefined && claimed.amount !== answered.amount) {
    problems.push(`amount ${answered.amount ?? "(none)"} where the notification says ${claimed.amount}`);
  }
  return problems.length === 0 ? undefined : `the provider's API answers ${problems.join(" and ")}`;
}
