import { describe, expect, it } from "vitest";
import { chatText } from "../../src/delivery/chat-text";
import { slackMessage } from "../../src/delivery/request";
import type { Envelope } from "../../src/envelope";

// Issue 19, finding 8: a `"format": "slack"` route's one line goes to Slack, Discord or Teams,
// which render mentions and links. Whatever came from a payload (a type, a subject, an error
// quoted in a summary) must not ping a channel or show a disguised link.

const ZWSP = "\u200b";

const envelope = (fields: Partial<Envelope>): Envelope => ({
  specversion: "1.0",
  id: "acme:1",
  source: "acme",
  type: "acme.invoice.paid",
  time: "2026-05-01T12:00:00Z",
  receivedat: "2026-05-01T12:00:00Z",
  datacontenttype: "application/json",
  data: {},
  ...fields,
});

describe("the text of a chat message", () => {
  it("cannot mention everyone: @everyone, @here, @channel and @all are broken by an invisible space", () => {
    expect(chatText("hi @everyone and @Here, @channel @all")).toBe(`hi @${ZWSP}everyone and @${ZWSP}Here, @${ZWSP}channel @${ZWSP}all`);
  });

  it("escapes Slack's control characters, so <!channel>, <@U123> and <url|text> are plain text", () => {
    expect(chatText("<!channel> <@U123> <https://evil.example|your bank> a & b")).toBe(
      "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|your bank&gt; a &amp; b",
    );
  });

  it("breaks Markdown links [text](url), as Discord and Teams render them", () => {
    expect(chatText("[your bank](https://evil.example)")).toBe(`[your bank]${ZWSP}(https://evil.example)`);
    expect(chatText("![img](https://evil.example/x.png)")).toBe(`![img]${ZWSP}(https://evil.example/x.png)`);
  });

  it("keeps to one line: a line break or other control character becomes a space", () => {
    expect(chatText("paid\n@everyone\r\u0007done")).toBe(`paid @${ZWSP}everyone  done`);
  });

  it("leaves ordinary text alone", () => {
    const plain = "acme.invoice.paid INV-2026/0001 (acme): 3 attempts (of 8), mail a@b.example, [draft]";
    expect(chatText(plain)).toBe(plain);
  });
});

describe("a slack route's message", () => {
  it("neutralises a subject and a type that came from the payload", () => {
    const message = slackMessage(envelope({ type: "acme.@everyone", subject: "[pay here](https://evil.example) <!here>" }));
    const { text } = JSON.parse(message) as { text: string };
    expect(text).toBe(`acme.@${ZWSP}everyone [pay here]${ZWSP}(https://evil.example) &lt;!here&gt; (acme)`);
  });
});
