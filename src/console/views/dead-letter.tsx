/** @jsxImportSource hono/jsx */
import { base64Decode, utf8Decode } from "../../bytes";
import { maskId, maskPersonalData, maskText } from "../personal-data";
import type { DeadLetterRecord } from "../shapes";
import { ApiForm, consoleHref, Heading, Json, LoadButton, plural, Time } from "./parts";

/**
 * Headers a quarantined request may show: a whitelist, so a credential under a name nobody
 * foresaw (a provider's own API-key header, a signature, a cookie) is never shown. The rest are
 * counted, not named.
 */
export const SAFE_HEADERS: ReadonlySet<string> = new Set([
  "accept",
  "content-encoding",
  "content-length",
  "content-type",
  "date",
  "traceparent",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "x-correlation-id",
  "x-request-id",
]);

/** The headers shown, masked by value, and how many were left out. */
export function safeHeaders(headers: Record<string, string>): { shown: [string, string][]; hidden: number } {
  const entries = Object.entries(headers);
  const shown = entries.filter(([name]) => SAFE_HEADERS.has(name.toLowerCase())).map(([name, value]): [string, string] => [name, maskText(value)]);
  return { shown, hidden: entries.length - shown.length };
}

/** More than this is cut from the view (the whole body stays in the record and replays whole). */
export const MAX_SHOWN_BODY_CHARACTERS = 200_000;

/** A kept body as shown: JSON masked like a payload; anything else hidden unless revealed. */
export function shownBody(bodyBase64: string, reveal: boolean): { json: unknown } | { text: string } {
  const bytes = base64Decode(bodyBase64) ?? new Uint8Array();
  const whole = utf8Decode(bytes);
  if (whole === undefined) return { text: reveal ? bodyBase64 : `[hidden: ${bytes.length} bytes that are not UTF-8 text]` };
  const cut = whole.length > MAX_SHOWN_BODY_CHARACTERS;
  const text = cut ? `${whole.slice(0, MAX_SHOWN_BODY_CHARACTERS)}\n[… ${whole.length - MAX_SHOWN_BODY_CHARACTERS} more characters not shown]` : whole;
  if (reveal) return { text };
  // Personal data is found by field name only in JSON: any other body (broken JSON, XML, a form)
  // stays hidden until revealed, as does one too large or too deep to walk.
  const hidden = { text: `[hidden: ${whole.length} characters that are not JSON this view can mask; reveal to read]` };
  if (cut) return hidden;
  try {
    return { json: maskPersonalData(JSON.parse(text)) };
  } catch {
    return hidden;
  }
}

/** One dead letter or quarantined request: why it was kept, what was kept, and "read again". */
export function DeadLetterView(props: { record: DeadLetterRecord; reveal: boolean }) {
  const { record, reveal } = props;
  const path = encodeURIComponent(record.id);
  const envelopeId = record.envelope?.id ?? (record.envelopeKey?.startsWith("envelope:") ? record.envelopeKey.slice("envelope:".length) : undefined);
  const quarantined = record.kind === "quarantine";
  return (
    <section aria-labelledby="dead-letter-title">
      <Heading title={quarantined ? "Quarantined request" : "Dead letter"}>
        <p>
          <a href="#dead-letters">Back to dead letters</a>
        </p>
      </Heading>
      <dl class="facts">
        <dt>Reason</dt>
        <dd>
          <strong>{record.reason}</strong>
          {record.lastError ? <span class="reason-detail">: {reveal ? record.lastError : maskText(record.lastError)}</span> : null}
        </dd>
        <dt>Kept</dt>
        <dd>
          <Time at={record.createdAt} />
        </dd>
        <dt>Source</dt>
        <dd>{record.source}</dd>
        {record.routeId ? (
          <>
            <dt>Route</dt>
            <dd>{record.routeId}</dd>
          </>
        ) : null}
        {envelopeId ? (
          <>
            <dt>Envelope</dt>
            <dd class="mono">
              <a href={consoleHref("events", envelopeId)}>{reveal ? envelopeId : maskId(envelopeId)}</a>
            </dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>{record.state === "replaying" ? "replaying (a replay is under way)" : "kept"}</dd>
        {record.attempts.length > 0 ? (
          <>
            <dt>Attempts</dt>
            <dd>
              {plural(record.attempts.length, "attempt")}
              {record.lastStatus !== undefined ? `, last HTTP ${record.lastStatus}` : ""}
            </dd>
          </>
        ) : null}
      </dl>

      <ApiForm call={`POST /admin/dead-letters/${path}/replay`} done="Replay started." label={quarantined ? "Read again" : "Replay"} class="bulk">
        <p>
          <button type="submit">{quarantined ? "Read again" : "Replay"}</button>{" "}
          <span class="hint">
            {quarantined
              ? "The adapter reads the kept request again, as if it had just arrived (after a fix to the config or the adapter)."
              : "Sends the envelope to the route again."}
          </span>
        </p>
      </ApiForm>

      {record.request ? <KeptRequest request={record.request} source={record.source} reveal={reveal} path={path} /> : null}
    </section>
  );
}

function KeptRequest(props: { request: NonNullable<DeadLetterRecord["request"]>; source: string; reveal: boolean; path: string }) {
  const { request, reveal, path } = props;
  const headers = safeHeaders(request.headers);
  const body = shownBody(request.bodyBase64, reveal);
  return (
    <>
      <h2>The request as it came</h2>
      <p class="mono">
        {request.method} /hooks/{props.source}
        {maskText(request.rest)}
        {request.query ? `?${maskText(request.query)}` : ""}
      </p>
      <table class="list compact" id="kept-headers">
        <caption>
          Headers that are safe to show{headers.hidden > 0 ? ` (${plural(headers.hidden, "other header")} not shown)` : ""}; credentials were never kept
        </caption>
        <tbody>
          {headers.shown.map(([name, value]) => (
            <tr>
              <th scope="row" class="mono">
                {name}
              </th>
              <td class="mono">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Body</h2>
      <div class="reveal">
        {reveal ? (
          <p>
            <strong>Personal data shown in full.</strong> <LoadButton view={`dead-letters/${path}`}>Mask personal data</LoadButton>
          </p>
        ) : (
          <p>
            Personal data is masked.{" "}
            <LoadButton view={`dead-letters/${path}?reveal=1`} id="reveal">
              Reveal this body
            </LoadButton>
          </p>
        )}
      </div>
      {"json" in body ? (
        <Json value={body.json} label="The body" />
      ) : (
        <section aria-label="The body">
          <pre class="json" tabindex={0}>
            {body.text}
          </pre>
        </section>
      )}
    </>
  );
}
