import { secp256k1 } from "@noble/curves/secp256k1.js";
import { describe, expect, it } from "vitest";
import { PAGARME_POSTBACK, pagBankChargeWaiting, STARK_BANK_SDK_EVENT, STARK_BANK_SDK_SIGNATURE } from "../../scripts/send/provider-examples";
import { createAsaasAuthenticator } from "../../src/auth/asaas";
import { createMercadoPagoAuthenticator } from "../../src/auth/mercadopago";
import { manifest } from "../../src/auth/mercadopago-manifest";
import { createPagarmeAuthenticator } from "../../src/auth/pagarme";
import { createPagBankAuthenticator } from "../../src/auth/pagbank";
import { createStarkBankAuthenticator } from "../../src/auth/starkbank";
import { hexEncode } from "../../src/bytes";
import { AsaasRule, AuthRule, MercadoPagoRule, PagarmeRule, PagBankRule, StarkBankRule } from "../../src/config/schema";
import { authRequest, failure, hmac, PASSED } from "./helpers";
import { starkKey, starkSign } from "./secp256k1-keys";

const NOW = Date.UTC(2025, 0, 1);

describe("mercadopago", () => {
  const SECRET = "mp-webhook-secret-7f3a";
  const auth = createMercadoPagoAuthenticator(MercadoPagoRule.parse({ type: "mercadopago", secret: SECRET }));
  const BODY = '{"id":12345,"action":"payment.updated","data":{"id":"999999999"}}';
  const sign = async (text: string) => hexEncode(await hmac("SHA-256", SECRET, text));
  const request = (signature: string, dataId = "999999999", requestId = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e") =>
    authRequest({
      url: `https://gw.example/hooks/mp?data.id=${dataId}&type=payment`,
      headers: { "x-signature": signature, "x-request-id": requestId },
      body: BODY,
      now: NOW,
    });

  it("builds the manifest as Mercado Pago documents it, leaving absent parts out and lower-casing an alphanumeric data.id", () => {
    expect(manifest("999999999", "req-1", "1704908010")).toBe("id:999999999;request-id:req-1;ts:1704908010;");
    expect(manifest("ORD01JQ4S4KY8", "req-1", "1704908010")).toBe("id:ord01jq4s4ky8;request-id:req-1;ts:1704908010;");
    expect(manifest("a-B_1", null, "1")).toBe("id:a-B_1;ts:1;");
    expect(manifest(null, null, "1")).toBe("ts:1;");
  });

  it("accepts a signature with ts in milliseconds, as deliveries send it, and in seconds, as the docs write it", async () => {
    const ms = String(NOW);
    const s = String(NOW / 1000);
    const requestId = "bb56a2f1-6aae-46ac-982e-9dcd3581d08e";
    expect(await auth(request(`ts=${ms},v1=${await sign(`id:999999999;request-id:${requestId};ts:${ms};`)}`))).toEqual(PASSED);
    expect(await auth(request(`ts=${s},v1=${await sign(`id:999999999;request-id:${requestId};ts:${s};`)}`))).toEqual(PASSED);
  });

  it("accepts an order's alphanumeric data.id only when it was signed lower-cased", async () => {
    const ts = String(NOW);
    const lower = await sign(`id:ord01jq4s4ky8;request-id:r;ts:${ts};`);
    const asSent = await sign(`id:ORD01JQ4S4KY8;request-id:r;ts:${ts};`);
    expect(await auth(request(`ts=${ts},v1=${lower}`, "ORD01JQ4S4KY8", "r"))).toEqual(PASSED);
    expect(await auth(request(`ts=${ts},v1=${asSent}`, "ORD01JQ4S4KY8", "r"))).toEqual(failure("mismatch"));
  });

  it("refuses a changed data.id, a changed x-request-id and a changed ts", async () => {
    const ts = String(NOW);
    const good = `ts=${ts},v1=${await sign(`id:999999999;request-id:r1;ts:${ts};`)}`;
    expect(await auth(request(good, "999999999", "r1"))).toEqual(PASSED);
    expect(await auth(request(good, "999999998", "r1"))).toEqual(failure("mismatch"));
    expect(await auth(request(good, "999999999", "r2"))).toEqual(failure("mismatch"));
    expect(await auth(request(good.replace(`ts=${ts}`, `ts=${NOW + 1}`), "999999999", "r1"))).toEqual(failure("mismatch"));
  });

  it("refuses a ts outside the tolerance, missing and malformed headers", async () => {
    const old = String(NOW - 11 * 60_000);
    expect(await auth(request(`ts=${old},v1=${await sign(`id:999999999;request-id:r;ts:${old};`)}`, "999999999", "r"))).toEqual(failure("expired"));
    expect(await auth(authRequest({ url: "https://gw.example/hooks/mp?data.id=1", body: BODY, now: NOW }))).toEqual(failure("missing"));
    expect(await auth(request("v1=abcd"))).toEqual(failure("malformed"));
    expect(await auth(request(`ts=${NOW}`))).toEqual(failure("malformed"));
    expect(await auth(request(`ts=abc,v1=00`))).toEqual(failure("malformed"));
  });
});

describe("asaas", () => {
  const TOKEN = "whk_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
  const auth = createAsaasAuthenticator(AsaasRule.parse({ type: "asaas", token: TOKEN }));

  it("takes the token in asaas-access-token, and only there", async () => {
    expect(await auth(authRequest({ headers: { "asaas-access-token": TOKEN } }))).toEqual(PASSED);
    expect(await auth(authRequest({ headers: { access_token: TOKEN } }))).toEqual(failure("missing"));
    expect(await auth(authRequest({ headers: { "asaas-access-token": `${TOKEN}x` } }))).toEqual(failure("mismatch"));
  });

  it("refuses a token Asaas would not take (under 32 or over 255 characters) in the config", () => {
    expect(AsaasRule.safeParse({ type: "asaas", token: "short" }).success).toBe(false);
    expect(AsaasRule.safeParse({ type: "asaas", token: "x".repeat(256) }).success).toBe(false);
  });
});

describe("pagbank", () => {
  const TOKEN = "6f7e2b1a-pagbank-account-token-1d2c";
  const auth = createPagBankAuthenticator(PagBankRule.parse({ type: "pagbank", token: TOKEN }));
  const BODY = JSON.stringify(pagBankChargeWaiting());
  const digest = async (text: string) => hexEncode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));

  it("takes the SHA-256 of token, hyphen and the raw payload, in either hex case", async () => {
    const token = await digest(`${TOKEN}-${BODY}`);
    expect(await auth(authRequest({ body: BODY, headers: { "x-authenticity-token": token } }))).toEqual(PASSED);
    expect(await auth(authRequest({ body: BODY, headers: { "x-authenticity-token": token.toUpperCase() } }))).toEqual(PASSED);
  });

  it("refuses the digest without the hyphen, of another body, or of another token", async () => {
    expect(await auth(authRequest({ body: BODY, headers: { "x-authenticity-token": await digest(`${TOKEN}${BODY}`) } }))).toEqual(failure("mismatch"));
    expect(await auth(authRequest({ body: `${BODY} `, headers: { "x-authenticity-token": await digest(`${TOKEN}-${BODY}`) } }))).toEqual(failure("mismatch"));
    expect(await auth(authRequest({ body: BODY, headers: { "x-authenticity-token": await digest(`other-${BODY}`) } }))).toEqual(failure("mismatch"));
    expect(await auth(authRequest({ body: BODY, headers: { "x-authenticity-token": "not hex" } }))).toEqual(failure("malformed"));
    expect(await auth(authRequest({ body: BODY }))).toEqual(failure("missing"));
  });
});

describe("pagarme", () => {
  const KEY = "ak_test_grXijQ4GicOa2BLGZrDRTR5qNQxJW0";
  const auth = createPagarmeAuthenticator(PagarmeRule.parse({ type: "pagarme", secret: KEY }));

  it("takes X-Hub-Signature sha1=HMAC-SHA1(api key, raw body), and refuses a changed body", async () => {
    const signature = `sha1=${hexEncode(await hmac("SHA-1", KEY, PAGARME_POSTBACK))}`;
    expect(await auth(authRequest({ body: PAGARME_POSTBACK, headers: { "X-Hub-Signature": signature } }))).toEqual(PASSED);
    const tampered = PAGARME_POSTBACK.replace("current_status=paid", "current_status=refunded");
    expect(await auth(authRequest({ body: tampered, headers: { "X-Hub-Signature": signature } }))).toEqual(failure("mismatch"));
    expect(await auth(authRequest({ body: PAGARME_POSTBACK, headers: { "X-Hub-Signature": signature.replace("sha1=", "sha256=") } }))).toEqual(
      failure("malformed"),
    );
  });
});

describe("starkbank", () => {
  const key = starkKey();
  const auth = createStarkBankAuthenticator(StarkBankRule.parse({ type: "starkbank", publicKey: key.publicKeyPem }));
  const BODY = STARK_BANK_SDK_EVENT;

  it("accepts a low-S and a high-S signature of the raw body", async () => {
    const low = await starkSign(key, BODY);
    const high = await starkSign(key, BODY, true);
    expect(low).not.toBe(high);
    expect(await auth(authRequest({ body: BODY, headers: { "Digital-Signature": low } }))).toEqual(PASSED);
    expect(await auth(authRequest({ body: BODY, headers: { "Digital-Signature": high } }))).toEqual(PASSED);
  });

  it("refuses a signature by another secp256k1 key, and a changed body", async () => {
    const other = await starkSign(starkKey(), BODY);
    expect(await auth(authRequest({ body: BODY, headers: { "Digital-Signature": other } }))).toEqual(failure("mismatch"));
    const signature = await starkSign(key, BODY);
    expect(await auth(authRequest({ body: BODY.replace('"amount": 2', '"amount": 200'), headers: { "Digital-Signature": signature } }))).toEqual(
      failure("mismatch"),
    );
  });

  it("reads the SDKs' published signature as a well-formed high-S DER signature, and their malformed one as malformed", async () => {
    const der = Uint8Array.from(atob(STARK_BANK_SDK_SIGNATURE), (c) => c.charCodeAt(0));
    expect(secp256k1.Signature.fromBytes(der, "der").hasHighS()).toBe(true);
    // Under our key it is simply not Stark Bank's: refused, never an error.
    expect(await auth(authRequest({ body: BODY, headers: { "Digital-Signature": STARK_BANK_SDK_SIGNATURE } }))).toEqual(failure("mismatch"));
    expect(await auth(authRequest({ body: BODY, headers: { "Digital-Signature": "something is definitely wrong" } }))).toEqual(failure("malformed"));
    expect(await auth(authRequest({ body: BODY }))).toEqual(failure("missing"));
  });

  it("refuses at configuration a key that is not on secp256k1", async () => {
    const p256 = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const spki = new Uint8Array((await crypto.subtle.exportKey("spki", p256.publicKey)) as ArrayBuffer);
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----`;
    expect(() => createStarkBankAuthenticator(StarkBankRule.parse({ type: "starkbank", publicKey: pem }))).toThrow(/secp256k1/);
    expect(AuthRule.safeParse({ type: "starkbank", publicKey: "not a pem" }).success).toBe(false);
  });
});
