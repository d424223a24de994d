import { describe, expect, it } from "vitest";
import providersDoc from "../../docs/providers.md?raw";
import { callWorker, recordingQueue } from "../helpers";

// The curl examples of docs/providers.md, run against the demo config: the answer they show is
// the answer the gateway gives, but for the part that depends on when it was received.

/** The first curl block after `heading`: its headers, its URL and the answer in its comment. */
function documentedCurl(heading: string): { headers: Record<string, string>; url: string; answer: { ids: string[] } } {
  const section = providersDoc.slice(providersDoc.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  const headers = Object.fromEntries([...block.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
  const url = /'(http:\/\/127\.0\.0\.1:8787[^']*)'/.exec(block)?.[1] ?? "";
  const answer = JSON.parse(/# (\{.*\})/.exec(block)?.[1] ?? "{}") as { ids: string[] };
  return { headers, url, answer };
}

/** An occurrence suffix is the receipt's window: the same shape, whatever the hour. */
const windowless = (id: string) => id.replace(/@\d{8}T\d{6}Z$/, "@{window start}");

describe("docs/providers.md's examples", () => {
  it("shows the id a BMP status callback gets, with its occurrence suffix", async () => {
    const curl = documentedCurl("## BMP");
    expect(curl.url).toContain("/hooks/bmp?");
    const response = await callWorker(new Request(curl.url, { headers: curl.headers }), { DELIVERIES: recordingQueue().queue });
    expect(response.status).toBe(202);
    const { ids } = await response.json<{ ids: string[] }>();
    expect(ids.map(windowless)).toEqual(curl.answer.ids.map(windowless));
    expect(ids[0]).toMatch(/@\d{8}T\d{6}Z$/);
  });
});
