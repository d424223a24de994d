/**
 * Text for a chat app's incoming webhook (Slack, Discord, Teams), where whatever came from a
 * payload (a type, a subject, an error quoted in a summary) must stay plain text: no mention
 * that pings a whole channel, no link that shows one address and opens another, one line.
 *
 * - Slack's markup lives in `<...>` (`<!channel>`, `<@U123>`, `<url|text>`): `&`, `<` and `>`
 *   are escaped as Slack documents, and Discord's `<@id>` mentions go with them.
 * - `@everyone`, `@here`, `@channel` and `@all` (any case) get an invisible space after the `@`.
 * - Markdown links `[text](url)` (Discord, Teams) get one between `]` and `(`.
 * - Line breaks and other control characters become spaces.
 */
export function chatText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/@(everyone|here|channel|all)\b/gi, "@\u200b$1")
    .replaceAll("](", "]\u200b(");
}
