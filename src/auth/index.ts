import type { AuthRule } from "../config/schema";
import { createAsaasAuthenticator } from "./asaas";
import { createBasicAuthenticator } from "./basic";
import { createBearerAuthenticator } from "./bearer";
import { createHeaderAuthenticator } from "./header";
import { createHmacAuthenticator } from "./hmac";
import { createJwtAuthenticator } from "./jwt";
import { createMercadoPagoAuthenticator } from "./mercadopago";
import { createNoneAuthenticator } from "./none";
import { createPagarmeAuthenticator } from "./pagarme";
import { createPagBankAuthenticator } from "./pagbank";
import { createQueryAuthenticator } from "./query";
import { createStandardWebhooksAuthenticator } from "./standard-webhooks";
import { createStarkBankAuthenticator } from "./starkbank";
import type { AuthDeps, Authenticator, AuthFailure, AuthRequest } from "./types";

export type { AuthDeps, Authenticator, AuthFailure, AuthOutcome, AuthRequest } from "./types";

/** One rule's authenticator; throws only for a rule the config schema should have refused. */
export function createAuthenticator(rule: AuthRule, deps: AuthDeps): Authenticator {
  switch (rule.type) {
    case "none":
      return createNoneAuthenticator(rule);
    case "basic":
      return createBasicAuthenticator(rule);
    case "bearer":
      return createBearerAuthenticator(rule);
    case "header":
      return createHeaderAuthenticator(rule);
    case "query":
      return createQueryAuthenticator(rule);
    case "jwt":
      return createJwtAuthenticator(rule, deps);
    case "hmac":
      return createHmacAuthenticator(rule);
    case "standard-webhooks":
      return createStandardWebhooksAuthenticator(rule);
    case "mercadopago":
      return createMercadoPagoAuthenticator(rule);
    case "asaas":
      return createAsaasAuthenticator(rule);
    case "pagbank":
      return createPagBankAuthenticator(rule);
    case "starkbank":
      return createStarkBankAuthenticator(rule);
    case "pagarme":
      return createPagarmeAuthenticator(rule);
    default: {
      const unknown: never = rule;
      throw new Error(`unknown auth rule type ${JSON.stringify((unknown as { type: unknown }).type)}`);
    }
  }
}

/**
 * `unavailable`: no rule passed, and one could not decide because its keys cannot be had now;
 * the caller answers 503 so the provider retries, instead of a 401 that makes it give up.
 */
export type SourceAuthOutcome = { ok: true; rule: AuthRule["type"] } | { ok: false; reasons: AuthFailure[]; unavailable: boolean };

/**
 * A source's rules: any one passing authenticates, so a list is how keys rotate. Rules are
 * tried in order and the reasons of those that failed are kept for the log.
 */
export function createSourceAuthenticator(rules: AuthRule[], deps: AuthDeps): (request: AuthRequest) => Promise<SourceAuthOutcome> {
  const authenticators = rules.map((rule) => ({ type: rule.type, authenticate: createAuthenticator(rule, deps) }));
  return async (request) => {
    const reasons: AuthFailure[] = [];
    for (const { type, authenticate } of authenticators) {
      const outcome = await authenticate(request);
      if (outcome.ok) return { ok: true, rule: type };
      reasons.push(outcome.reason);
    }
    return { ok: false, reasons, unavailable: reasons.includes("key_unavailable") };
  };
}

/** The challenges a 401 carries for these rules (RFC 9110 11.6.1), or undefined when none apply. */
export function wwwAuthenticate(rules: AuthRule[]): string | undefined {
  const challenges: string[] = [];
  if (rules.some((rule) => rule.type === "basic")) challenges.push('Basic realm="hookgate", charset="UTF-8"');
  if (rules.some((rule) => rule.type === "bearer" || rule.type === "jwt")) challenges.push('Bearer realm="hookgate"');
  return challenges.length > 0 ? challenges.join(", ") : undefined;
}
