import { describe, expect, it } from "vitest";
import { generic } from "../../src/adapters/generic";
import { acceptedOne, HEX_SHA256, providerRequest, refused, sourceFor } from "./provider-request";

const ACME = { event: { id: "evt_123", kind: "invoice.paid" }, items: [{ id: 7 }] };
const acmeBody = JSON.stringify(ACME);
/** SHA-256 of the two bytes "{}", and of the empty string. */
const SHA256_OF_EMPTY_OBJECT = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const SHA256_OF_NOTHING = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("the generic adapter", () => {
  it("takes the id and the type where the source config says, and keeps the JSON body", async () => {
    const source = sourceFor("generic", { idPath: "body.event.id", typePath: "headers.x-acme-event" });
    const request = providerRequest({
      headers: { "content-type": "application/json", "X-Acme-Event": "acme.invoice.paid" },
      body: acmeBody,
    });
    expect(await acceptedOne(generic, request, source)).toEqual({
      id: "evt_123",
      type: "acme.invoice.paid",
      payload: { kind: "json", value: ACME },
    });
  });

  it("reads a path into a list, and a number as a string id", async () => {
    const source = sourceFor("generic", { idPath: "body.items.0.id" });
    expect((await acceptedOne(generic, providerRequest({ body: acmeBody }), source)).id).toBe("7");
  });

  it("reads a query path whatever the parameter's letter case", async () => {
    const source = sourceFor("generic", { idPath: "query.eventId", typePath: "body.event.kind" });
    const notification = await acceptedOne(generic, providerRequest({ query: "EVENTID=q-1", body: acmeBody }), source);
    expect(notification).toMatchObject({ id: "q-1", type: "invoice.paid" });
  });

  it("uses the configured eventType when there is no typePath, else generic.event", async () => {
    const fixed = await acceptedOne(generic, providerRequest({ body: acmeBody }), sourceFor("generic", { eventType: "acme.event" }));
    const unnamed = await acceptedOne(generic, providerRequest({ body: acmeBody }), sourceFor("generic"));
    expect(fixed.type).toBe("acme.event");
    expect(unnamed.type).toBe("generic.event");
  });

  it("uses the SHA-256 of the body as the id when there is no idPath", async () => {
    const notification = await acceptedOne(generic, providerRequest({ body: "{}" }), sourceFor("generic"));
    expect(notification.id).toBe(SHA256_OF_EMPTY_OBJECT);
  });

  it("gives the same body sent twice the same id, and another body another id", async () => {
    const source = sourceFor("generic");
    const first = await acceptedOne(generic, providerRequest({ body: acmeBody }), source);
    const again = await acceptedOne(generic, providerRequest({ body: acmeBody }), source);
    const other = await acceptedOne(generic, providerRequest({ body: "{}" }), source);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
  });

  it("carries a GET's query as data, and tells two GETs apart by their query", async () => {
    const source = sourceFor("generic");
    const first = await acceptedOne(generic, providerRequest({ method: "GET", query: "order=1&tag=a&tag=b" }), source);
    const second = await acceptedOne(generic, providerRequest({ method: "GET", query: "order=2" }), source);
    expect(first.payload).toEqual({ kind: "json", value: { order: "1", tag: ["a", "b"] } });
    expect(first.id).toMatch(HEX_SHA256);
    expect(first.id).not.toBe(SHA256_OF_NOTHING);
    expect(second.id).not.toBe(first.id);
  });

  it("keeps a UTF-8 body that is not JSON as text with its content type", async () => {
    const request = providerRequest({ headers: { "content-type": "text/plain; charset=utf-8" }, body: "olá, mundo" });
    const notification = await acceptedOne(generic, request, sourceFor("generic"));
    expect(notification.payload).toEqual({ kind: "text", contentType: "text/plain; charset=utf-8", text: "olá, mundo" });
  });

  it("reads a JSON object or list labelled text/plain as JSON, as senders like AWS SNS label it", async () => {
    const request = providerRequest({ headers: { "content-type": "text/plain; charset=UTF-8" }, body: acmeBody });
    const notification = await acceptedOne(generic, request, sourceFor("generic", { idPath: "body.event.id" }));
    expect(notification).toMatchObject({ id: "evt_123", payload: { kind: "json", value: ACME } });
  });

  it("keeps a text/plain body that is only a JSON scalar as text", async () => {
    const request = providerRequest({ headers: { "content-type": "text/plain" }, body: "123" });
    const notification = await acceptedOne(generic, request, sourceFor("generic"));
    expect(notification.payload).toEqual({ kind: "text", contentType: "text/plain", text: "123" });
  });

  it("keeps a body that is not valid UTF-8 as base64 with its content type", async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const request = providerRequest({ headers: { "content-type": "application/octet-stream" }, body: bytes });
    const notification = await acceptedOne(generic, request, sourceFor("generic"));
    expect(notification.payload).toEqual({ kind: "binary", contentType: "application/octet-stream", base64: "//4AQQ==" });
  });

  it("reads JSON sent without a content type, and with a +json one", async () => {
    const bare = providerRequest({ headers: {}, body: acmeBody });
    const vendor = providerRequest({ headers: { "content-type": "application/vnd.acme+json" }, body: acmeBody });
    expect((await acceptedOne(generic, bare, sourceFor("generic"))).payload).toEqual({ kind: "json", value: ACME });
    expect((await acceptedOne(generic, vendor, sourceFor("generic"))).payload).toEqual({ kind: "json", value: ACME });
  });

  it("refuses a body whose content type says JSON but which is broken", async () => {
    expect(await refused(generic, providerRequest({ body: "{" }), sourceFor("generic"))).toMatch(/JSON/);
  });

  it("refuses a request without a value at the configured idPath or typePath", async () => {
    const noId = await refused(generic, providerRequest({ body: "{}" }), sourceFor("generic", { idPath: "body.event.id" }));
    const noType = await refused(generic, providerRequest({ body: "{}" }), sourceFor("generic", { typePath: "headers.x-acme-event" }));
    expect(noId).toMatch(/body\.event\.id/);
    expect(noType).toMatch(/headers\.x-acme-event/);
  });
});
