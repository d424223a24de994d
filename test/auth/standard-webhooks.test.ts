import { describe, expect, it } from "vitest";
import { createStandardWebhooksAuthenticator } from "../../src/auth/standard-webhooks";
import { base64Encode } from "../../src/bytes";
import { authRequest, failure, hmac, PASSED } from "./helpers";

// The published test vector of the Standard Webhooks reference libraries.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const authenticate = createStandardWebhooksAuthenticator({ type: "standard-webhooks", secret: SECRET });

function delivery(headers: Record<string, string | undefined>, nowSeconds = TIMESTAMP, body = BODY) {
  const present = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
  return authRequest({ headers: present, body, now: nowSeconds * 1000 });
}

const valid = { "webhook-id": ID, "webhook-timestamp": String(TIMESTAMP), "webhook-signature": SIGNATURE };

describe("standard-webhooks", () => {
  it("accepts the published test vector", async () => {
    expect(await authenticate(delivery(valid))).toEqual(PASSED);
  });

  it("rejects a body changed by one byte", async () => {
    expect(await authenticate(delivery(valid, TIMESTAMP, '{"test": 2432232315}'))).toEqual(failure("mismatch"));
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])("answers missing without %s", async (name) => {
    expect(await authenticate(delivery({ ...valid, [name]: undefined }))).toEqual(failure("missing"));
  });

  it("answers malformed for a timestamp that is not whole seconds", async () => {
    expect(await authenticate(delivery({ ...valid, "webhook-timestamp": "1614265330.5" }))).toEqual(failure("malformed"));
    expect(await authenticate(delivery({ ...valid, "webhook-timestamp": "yesterday" }))).toEqual(failure("malformed"));
  });

  it("rejects a truncated signature", async () => {
    expect(await authenticate(delivery({ ...valid, "webhook-signature": SIGNATURE.slice(0, -4) }))).toEqual(failure("mismatch"));
  });

  it("rejects a signature of the wrong length", async () => {
    const tooLong = `v1,${base64Encode(new Uint8Array(64))}`;
    expect(await authenticate(delivery({ ...valid, "webhook-signature": tooLong }))).toEqual(failure("mismatch"));
  });

  it("accepts a timestamp up to 300 s either side of now, not 301", async () => {
    const signedAt = async (timestamp: number) => {
      const mac = await hmac("SHA-256", base64ToBytes(SECRET.slice(6)), `${ID}.${timestamp}.${BODY}`);
      return { "webhook-id": ID, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${base64Encode(mac)}` };
    };
    const now = TIMESTAMP;
    expect(await authenticate(delivery(await signedAt(now + 300), now))).toEqual(PASSED);
    expect(await authenticate(delivery(await signedAt(now - 300), now))).toEqual(PASSED);
    expect(await authenticate(delivery(await signedAt(now + 301), now))).toEqual(failure("expired"));
    expect(await authenticate(delivery(await signedAt(now - 301), now))).toEqual(failure("expired"));
  });

  it("checks the tolerance before the signature, so a replayed old delivery is expired", async () => {
    expect(await authenticate(delivery(valid, TIMESTAMP + 301))).toEqual(failure("expired"));
    expect(await authenticate(delivery(valid, TIMESTAMP + 300))).toEqual(PASSED);
  });

  it("accepts a noisy header when one v1 entry matches", async () => {
    const noisy = `v1,bad v1a,xyz ${SIGNATURE}`;
    expect(await authenticate(delivery({ ...valid, "webhook-signature": noisy }))).toEqual(PASSED);
  });

  it("ignores versions other than v1 even when they carry the right bytes", async () => {
    const otherVersion = SIGNATURE.replace("v1,", "v1a,");
    expect(await authenticate(delivery({ ...valid, "webhook-signature": otherVersion }))).toEqual(failure("mismatch"));
  });

  it("refuses an empty secret when the rule is created", () => {
    expect(() => createStandardWebhooksAuthenticator({ type: "standard-webhooks", secret: "whsec_" })).toThrow(/non-empty/);
    expect(() => createStandardWebhooksAuthenticator({ type: "standard-webhooks", secret: "whsec_!!" })).toThrow();
  });

  it("never names the secret in its refusal", () => {
    expect(() => createStandardWebhooksAuthenticator({ type: "standard-webhooks", secret: "whsec_*secret*" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("*secret*") }),
    );
  });
});

function base64ToBytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
