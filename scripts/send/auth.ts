import { createHash, createHmac, sign } from "node:crypto";
import { manifest } from "../../src/auth/mercadopago-manifest";
import type { AuthRule, AuthRuleOf } from "../../src/config/schema";
import { SendError } from "./errors";
import { signJwt } from "./jwt";
import type { Simulation } from "./providers";

/** What authenticating adds to a request, and which of it is a credential to hide when printing. */
export interface Credentials {
  headers: Record<string, string>;
  query: [string, string][];
  /** Header name → the part that may be shown (a scheme or prefix); the rest is redacted. */
  redactHeaders: Record<string, string>;
  redactQuery: string[];
}

export interface AuthContext {
  now: Date;
  /** The provider's private key (PEM) for asymmetric JWT algs. */
  jwtKeyPem?: string;
}

/** The request authenticated exactly as `rule` checks it (docs/contract.md section 3). */
export function authenticate(rule: AuthRule, request: Simulation, context: AuthContext): Credentials {
  const credentials: Credentials = { headers: {}, query: [], redactHeaders: {}, redactQuery: [] };
  const secretHeader = (name: string, shown: string, secret: string) => {
    credentials.headers[name] = shown + secret;
    credentials.redactHeaders[name] = shown;
  };
  switch (rule.type) {
    case "none":
      break;
    case "basic":
      secretHeader("Authorization", "Basic ", Buffer.from(`${rule.username}:${rule.password}`).toString("base64"));
      break;
    case "bearer":
      secretHeader("Authorization", "Bearer ", rule.token);
      break;
    case "header":
      secretHeader(rule.name, rule.prefix ?? "", rule.value);
      break;
    case "query":
      credentials.query.push([rule.name, rule.value]);
      credentials.redactQuery.push(rule.name);
      break;
    case "jwt": {
      const token = signJwt(rule, context.now, context.jwtKeyPem);
      if (rule.header.toLowerCase() === "authorization") secretHeader("Authorization", "Bearer ", token);
      else secretHeader(rule.header, "", token);
      break;
    }
    case "hmac":
      signHmac(rule, request, context.now, credentials, secretHeader);
      break;
    case "standard-webhooks": {
      const id = headerOf(request.headers, "webhook-id") ?? `msg_${request.messageId}`;
      const timestamp = String(seconds(context.now));
      const key = Buffer.from(rule.secret.slice("whsec_".length), "base64");
      const mac = createHmac("sha256", key)
        .update(`${id}.${timestamp}.`)
        .update(request.body ?? new Uint8Array())
        .digest("base64");
      credentials.headers["webhook-id"] = id;
      credentials.headers["webhook-timestamp"] = timestamp;
      secretHeader("webhook-signature", "v1,", mac);
      break;
    }
    case "mercadopago": {
      // Milliseconds, as Mercado Pago's deliveries send ts.
      const ts = String(context.now.getTime());
      const dataId = request.query.find(([name]) => name === "data.id")?.[1] ?? null;
      const mac = createHmac("sha256", rule.secret)
        .update(manifest(dataId, headerOf(request.headers, "x-request-id") ?? null, ts))
        .digest("hex");
      secretHeader("x-signature", `ts=${ts},v1=`, mac);
      break;
    }
    case "asaas":
      secretHeader("asaas-access-token", "", rule.token);
      break;
    case "pagbank": {
      const digest = createHash("sha256")
        .update(`${rule.token}-`)
        .update(request.body ?? new Uint8Array())
        .digest("hex");
      secretHeader("x-authenticity-token", "", digest);
      break;
    }
    case "starkbank": {
      // The rule pins Stark Bank's public key; signing as Stark Bank needs the matching private key.
      if (!context.jwtKeyPem) throw new SendError("a starkbank source is signed with Stark Bank's private key: --jwt-key PEM_FILE (a secp256k1 key)");
      const signature = sign("sha256", request.body ?? new Uint8Array(), { key: context.jwtKeyPem, dsaEncoding: "der" }).toString("base64");
      secretHeader("Digital-Signature", "", signature);
      break;
    }
    case "pagarme":
      secretHeader(
        "X-Hub-Signature",
        "sha1=",
        createHmac("sha1", rule.secret)
          .update(request.body ?? new Uint8Array())
          .digest("hex"),
      );
      break;
    default: {
      const unknown: never = rule;
      throw new Error(`unknown auth rule ${JSON.stringify(unknown)}`);
    }
  }
  return credentials;
}

/**
 * A MAC over the exact body bytes, or over `signedContent` with `{body}`, `{timestamp}` (now,
 * in seconds) and `{id}` filled in; the timestamp and id go in their configured headers. The
 * signature is hidden when printing too: with a fixed body it could be replayed.
 */
function signHmac(
  rule: AuthRuleOf<"hmac">,
  request: Simulation,
  now: Date,
  credentials: Credentials,
  secretHeader: (name: string, shown: string, secret: string) => void,
): void {
  const timestamp = String(seconds(now));
  const id = (rule.idHeader && headerOf(request.headers, rule.idHeader)) || request.messageId;
  const mac = createHmac(rule.algorithm, rule.secret);
  rule.signedContent.split(/\{(body|timestamp|id)\}/).forEach((piece, index) => {
    if (index % 2 === 0) mac.update(piece);
    else if (piece === "body") mac.update(request.body ?? new Uint8Array());
    else mac.update(piece === "timestamp" ? timestamp : id);
  });
  if (rule.timestampHeader) credentials.headers[rule.timestampHeader] = timestamp;
  if (rule.idHeader) credentials.headers[rule.idHeader] = id;
  secretHeader(rule.header, rule.prefix, mac.digest(rule.encoding));
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}
