import { describe, expect, it } from "vitest";
import { createHmacAuthenticator } from "../../src/auth/hmac";
import { base64Encode, base64urlEncode, hexEncode } from "../../src/bytes";
import { HmacRule } from "../../src/config/schema";
import { authRequest, failure, hmac, PASSED } from "./helpers";

const rule = (fields: Record<string, unknown>) => HmacRule.parse({ type: "hmac", ...fields });

// GitHub's documented example for X-Hub-Signature-256.
const github = createHmacAuthenticator(rule({ header: "X-Hub-Signature-256", prefix: "sha256=", secret: "It's a Secret to Everybody" }));
const GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const SECRET = "hmac-test-secret";
const BODY = '{"amount": 10.50, "id": "x"}';
const NOW_S = 1_735_689_600;

describe("hmac over the raw body", () => {
  it("accepts GitHub's documented example", async () => {
    const request = authRequest({ body: "Hello, World!", headers: { "X-Hub-Signature-256": GITHUB_SIGNATURE } });
    expect(await github(request)).toEqual(PASSED);
  });

  it("accepts the hex digest in upper case", async () => {
    const upper = `sha256=${GITHUB_SIGNATURE.slice(7).toUpperCase()}`;
    expect(await github(authRequest({ body: "Hello, World!", headers: { "X-Hub-Signature-256": upper } }))).toEqual(PASSED);
  });

  it("rejects a different body with the same signature", async () => {
    const request = authRequest({ body: "Hello, World?", headers: { "X-Hub-Signature-256": GITHUB_SIGNATURE } });
    expect(await github(request)).toEqual(failure("mismatch"));
  });

  it("answers missing without the header, malformed for a wrong prefix or non-hex digest", async () => {
    expect(await github(authRequest({ body: "Hello, World!" }))).toEqual(failure("missing"));
    const sha1Prefix = GITHUB_SIGNATURE.replace("sha256=", "sha1=");
    expect(await github(authRequest({ body: "Hello, World!", headers: { "X-Hub-Signature-256": sha1Prefix } }))).toEqual(failure("malformed"));
    expect(await github(authRequest({ body: "Hello, World!", headers: { "X-Hub-Signature-256": "sha256=zz" } }))).toEqual(failure("malformed"));
  });

  it("rejects a truncated digest", async () => {
    const truncated = GITHUB_SIGNATURE.slice(0, -2);
    expect(await github(authRequest({ body: "Hello, World!", headers: { "X-Hub-Signature-256": truncated } }))).toEqual(failure("mismatch"));
  });

  it("signs the body bytes as received, even when they are not UTF-8", async () => {
    const body = new Uint8Array([0xff, 0x00, 0x7b, 0xfe]);
    const authenticate = createHmacAuthenticator(rule({ header: "X-Signature", secret: SECRET }));
    const signature = hexEncode(await hmac("SHA-256", SECRET, body));
    expect(await authenticate(authRequest({ body, headers: { "X-Signature": signature } }))).toEqual(PASSED);
  });

  it.each([
    ["sha512", "SHA-512", "base64", base64Encode],
    ["sha1", "SHA-1", "base64url", base64urlEncode],
    ["sha256", "SHA-256", "base64", base64Encode],
    ["sha512", "SHA-512", "hex", hexEncode],
  ] as const)("accepts %s in %s", async (algorithm, hash, encoding, encode) => {
    const authenticate = createHmacAuthenticator(rule({ header: "X-Signature", secret: SECRET, algorithm, encoding }));
    const signature = encode(await hmac(hash, SECRET, BODY));
    expect(await authenticate(authRequest({ body: BODY, headers: { "X-Signature": signature } }))).toEqual(PASSED);
    const wrongSecret = encode(await hmac(hash, "another-secret", BODY));
    expect(await authenticate(authRequest({ body: BODY, headers: { "X-Signature": wrongSecret } }))).toEqual(failure("mismatch"));
  });

  it("does not accept a SHA-1 MAC where SHA-256 is configured", async () => {
    const authenticate = createHmacAuthenticator(rule({ header: "X-Signature", secret: SECRET }));
    const sha1 = hexEncode(await hmac("SHA-1", SECRET, BODY));
    expect(await authenticate(authRequest({ body: BODY, headers: { "X-Signature": sha1 } }))).toEqual(failure("mismatch"));
  });
});

describe("hmac over a template", () => {
  const timestamped = createHmacAuthenticator(
    rule({ header: "X-Signature", secret: SECRET, prefix: "v1=", signedContent: "{timestamp}.{body}", timestampHeader: "X-Timestamp" }),
  );
  const signedAt = async (timestamp: string) => ({
    "X-Timestamp": timestamp,
    "X-Signature": `v1=${hexEncode(await hmac("SHA-256", SECRET, `${timestamp}.${BODY}`))}`,
  });
  const at = (headers: Record<string, string>, nowSeconds = NOW_S) => authRequest({ body: BODY, headers, now: nowSeconds * 1000 });

  it("accepts {timestamp}.{body} signed with the timestamp it carries", async () => {
    expect(await timestamped(at(await signedAt(String(NOW_S))))).toEqual(PASSED);
  });

  it("rejects a signature over the body alone", async () => {
    const bodyOnly = { "X-Timestamp": String(NOW_S), "X-Signature": `v1=${hexEncode(await hmac("SHA-256", SECRET, BODY))}` };
    expect(await timestamped(at(bodyOnly))).toEqual(failure("mismatch"));
  });

  it("rejects a timestamp swapped after signing", async () => {
    const headers = { ...(await signedAt(String(NOW_S))), "X-Timestamp": String(NOW_S - 1) };
    expect(await timestamped(at(headers))).toEqual(failure("mismatch"));
  });

  it("answers missing, malformed or expired for the timestamp header", async () => {
    const { "X-Signature": signature } = await signedAt(String(NOW_S));
    expect(await timestamped(at({ "X-Signature": signature }))).toEqual(failure("missing"));
    expect(await timestamped(at(await signedAt("soon")))).toEqual(failure("malformed"));
    expect(await timestamped(at(await signedAt(String(NOW_S - 301))))).toEqual(failure("expired"));
  });

  it("accepts toleranceSeconds either way and not one second more", async () => {
    expect(await timestamped(at(await signedAt(String(NOW_S - 300))))).toEqual(PASSED);
    expect(await timestamped(at(await signedAt(String(NOW_S + 300))))).toEqual(PASSED);
    expect(await timestamped(at(await signedAt(String(NOW_S + 301))))).toEqual(failure("expired"));
    const strict = createHmacAuthenticator(
      rule({ header: "X-Signature", secret: SECRET, prefix: "v1=", signedContent: "{timestamp}.{body}", timestampHeader: "X-Timestamp", toleranceSeconds: 10 }),
    );
    expect(await strict(at(await signedAt(String(NOW_S - 10))))).toEqual(PASSED);
    expect(await strict(at(await signedAt(String(NOW_S - 11))))).toEqual(failure("expired"));
  });

  it("signs {id}, {timestamp} and {body} in the template's order", async () => {
    const authenticate = createHmacAuthenticator(
      rule({
        header: "X-Signature",
        secret: SECRET,
        encoding: "base64",
        signedContent: "{id}:{timestamp}:{body}",
        timestampHeader: "X-Timestamp",
        idHeader: "X-Id",
      }),
    );
    const mac = base64Encode(await hmac("SHA-256", SECRET, `evt_1:${NOW_S}:${BODY}`));
    const headers = { "X-Id": "evt_1", "X-Timestamp": String(NOW_S), "X-Signature": mac };
    expect(await authenticate(at(headers))).toEqual(PASSED);
    expect(await authenticate(at({ ...headers, "X-Id": "evt_2" }))).toEqual(failure("mismatch"));
    const { "X-Id": _, ...withoutId } = headers;
    expect(await authenticate(at(withoutId))).toEqual(failure("missing"));
  });

  it("refuses a template whose header is not configured", () => {
    expect(() => createHmacAuthenticator(rule({ header: "X-Signature", secret: SECRET, signedContent: "{timestamp}.{body}" }))).toThrow(/timestampHeader/);
    expect(() => createHmacAuthenticator(rule({ header: "X-Signature", secret: SECRET, signedContent: "{id}.{body}" }))).toThrow(/idHeader/);
  });
});
