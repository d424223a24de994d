import { base64Decode, base64urlDecode, concatBytes, hexDecode, utf8 } from "../bytes";
import type { AuthRuleOf } from "../config/schema";
import { readHeader, stripPrefix } from "./credentials";
import { createHmacSigner, type HmacHash } from "./hmac-signer";
import { fail, PASS } from "./outcome";
import { checkTimestamp } from "./timestamp";
import { timingSafeEqualMac } from "./timing-safe";
import type { Authenticator, AuthFailure, AuthRequest } from "./types";

type HmacRule = AuthRuleOf<"hmac">;

const HASHES: Record<HmacRule["algorithm"], HmacHash> = { sha256: "SHA-256", sha512: "SHA-512", sha1: "SHA-1" };

const DECODERS: Record<HmacRule["encoding"], (text: string) => Uint8Array | undefined> = {
  hex: hexDecode,
  base64: base64Decode,
  base64url: base64urlDecode,
};

type Placeholder = "body" | "timestamp" | "id";
type TemplatePart = Uint8Array | Placeholder;

/**
 * A MAC over the exact raw body, or over `signedContent` with `{body}`, `{timestamp}` and
 * `{id}` filled in as bytes (the body is never decoded and re-encoded), in one header as
 * prefix + hex/base64/base64url. GitHub, Stripe-like and most home-grown schemes fit here.
 */
export function createHmacAuthenticator(rule: HmacRule): Authenticator {
  const template = parseTemplate(rule.signedContent);
  const usesTimestamp = template.includes("timestamp");
  const usesId = template.includes("id");
  if (usesTimestamp && !rule.timestampHeader) throw new Error("hmac rule: signedContent uses {timestamp} but timestampHeader is not set");
  if (usesId && !rule.idHeader) throw new Error("hmac rule: signedContent uses {id} but idHeader is not set");
  const sign = createHmacSigner(utf8(rule.secret), HASHES[rule.algorithm]);
  const decode = DECODERS[rule.encoding];

  return async (request) => {
    const header = readHeader(request.headers, rule.header);
    if (!header.ok) return fail(header.reason);
    const encoded = stripPrefix(header.value, rule.prefix);
    const signature = encoded === undefined ? undefined : decode(encoded.trim());
    if (!signature) return fail("malformed");

    const fields = readSignedFields(request, rule, usesTimestamp, usesId);
    if (typeof fields === "string") return fail(fields);
    const content = concatBytes(
      template.map((part) => (part === "body" ? request.body : part === "timestamp" ? utf8(fields.timestamp) : part === "id" ? utf8(fields.id) : part)),
    );
    return timingSafeEqualMac(await sign(content), signature) ? PASS : fail("mismatch");
  };
}

function readSignedFields(request: AuthRequest, rule: HmacRule, usesTimestamp: boolean, usesId: boolean): { timestamp: string; id: string } | AuthFailure {
  let timestamp = "";
  let id = "";
  if (usesTimestamp) {
    const header = readHeader(request.headers, rule.timestampHeader ?? "");
    if (!header.ok) return "missing";
    const late = checkTimestamp(header.value, request.now, rule.toleranceSeconds);
    if (late) return late;
    timestamp = header.value;
  }
  if (usesId) {
    const header = readHeader(request.headers, rule.idHeader ?? "");
    if (!header.ok) return "missing";
    id = header.value;
  }
  return { timestamp, id };
}

/** Literal text is encoded to bytes once, here, so a request only concatenates. */
function parseTemplate(template: string): TemplatePart[] {
  return template
    .split(/\{(body|timestamp|id)\}/)
    .map((piece, index): TemplatePart => (index % 2 === 1 ? (piece as Placeholder) : utf8(piece)))
    .filter((part) => typeof part === "string" || part.byteLength > 0);
}
