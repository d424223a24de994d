import { describe, expect, it } from "vitest";
import { standardWebhooks } from "../../src/adapters/standard-webhooks";
import { acceptedOne, HEX_SHA256, providerRequest, refused, sourceFor } from "./provider-request";

// The example message of the Standard Webhooks specification.
const MESSAGE_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const PAYLOAD = {
  type: "contact.created",
  timestamp: "2022-11-03T20:26:10.344522Z",
  data: { id: "1f81eb52-5198-4599-803e-771906343485", type: "contact" },
};

const source = sourceFor("standard-webhooks");
const request = (body: unknown, id: string | null = MESSAGE_ID) =>
  providerRequest({
    headers: { "content-type": "application/json", ...(id === null ? {} : { "webhook-id": id }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("the standard-webhooks adapter", () => {
  it("takes the id from webhook-id, the type and time from the payload, and keeps the payload", async () => {
    expect(await acceptedOne(standardWebhooks, request(PAYLOAD), source)).toEqual({
      id: MESSAGE_ID,
      type: "contact.created",
      time: "2022-11-03T20:26:10.344522Z",
      payload: { kind: "json", value: PAYLOAD },
    });
  });

  it("gives no event time for a timestamp that is not an ISO date-time", async () => {
    const notification = await acceptedOne(standardWebhooks, request({ ...PAYLOAD, timestamp: 1667507170 }), source);
    expect(notification.time).toBeUndefined();
  });

  it("gives the same message sent twice the same id, and another message another id", async () => {
    const first = await acceptedOne(standardWebhooks, request(PAYLOAD), source);
    const again = await acceptedOne(standardWebhooks, request(PAYLOAD), source);
    const other = await acceptedOne(standardWebhooks, request(PAYLOAD, "msg_other"), source);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it("replaces a webhook-id too long for a KV key with its SHA-256", async () => {
    const notification = await acceptedOne(standardWebhooks, request(PAYLOAD, `msg_${"x".repeat(300)}`), source);
    expect(notification.id).toMatch(HEX_SHA256);
  });

  it("refuses a request without webhook-id", async () => {
    expect(await refused(standardWebhooks, request(PAYLOAD, null), source)).toMatch(/webhook-id/);
  });

  it("refuses a payload without a type", async () => {
    const { type: _type, ...noType } = PAYLOAD;
    expect(await refused(standardWebhooks, request(noType), source)).toMatch(/type/);
  });

  it("refuses broken JSON", async () => {
    expect(await refused(standardWebhooks, request('{"type":'), source)).toMatch(/JSON/);
  });
});
