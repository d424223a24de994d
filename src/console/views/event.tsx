/** @jsxImportSource hono/jsx */
import { dataSchema, findEventType } from "../../catalog";
import { maskId, maskPersonalData, maskText } from "../personal-data";
import type { EventDetail } from "../shapes";
import { ApiForm, consoleHref, Heading, Json, LoadButton, plural, progressText, RefreshNote, type RouteProgress, State, Time } from "./parts";

/** One moment of an event's life: a provider's request, a delivery attempt, an operator's action, a route given up. */
export type TimelineEntry =
  | { kind: "request"; at: string; requestId: string; outcome: string }
  | { kind: "attempt"; at: string; routeId: string; status?: number; error?: string; durationMs?: number }
  | { kind: "action"; at: string; routeId: string; action: "redelivered" | "replayed" }
  | { kind: "dead"; at: string; routeId: string };

/**
 * Requests, attempts and operators' actions in one list, oldest first (a stable sort keeps the
 * API's order on ties). A route given up on (state `dead`) became a dead letter at its last attempt.
 */
export function timelineOf(detail: EventDetail): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...detail.requests.map((r) => ({ kind: "request" as const, ...r })),
    ...detail.deliveries.flatMap((d) => [
      ...(d.actions ?? []).map((a) => ({ kind: "action" as const, routeId: d.routeId, ...a })),
      ...d.attempts.map((a) => ({ kind: "attempt" as const, routeId: d.routeId, ...a })),
    ]),
    ...detail.deliveries.flatMap((d) => {
      const last = d.attempts.at(-1);
      return d.state === "dead" && last ? [{ kind: "dead" as const, routeId: d.routeId, at: last.at }] : [];
    }),
  ];
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** A route's progress as the lists show it, from its attempts. */
export function progressOf(delivery: EventDetail["deliveries"][number]): RouteProgress {
  const last = delivery.attempts.at(-1);
  return {
    state: delivery.state,
    attempts: delivery.attempts.length,
    ...(last?.status !== undefined && { lastStatus: last.status }),
    ...(delivery.state === "pending" && last?.retryAt !== undefined && { nextAttemptAt: last.retryAt }),
  };
}

/** The envelope as shown: personal data masked unless revealed; a binary payload hidden unless revealed. */
export function shownEnvelope(event: NonNullable<EventDetail["event"]>, reveal: boolean): unknown {
  if (reveal) return event;
  const { data_base64, ...rest } = event;
  const masked = maskPersonalData(rest) as Record<string, unknown>;
  // Ids are masked as ids: a generic source's idPath may point at a bare CPF.
  masked.id = maskId(rest.id);
  masked.type = maskId(rest.type);
  if (typeof rest.occurrenceof === "string") masked.occurrenceof = maskId(rest.occurrenceof);
  if (data_base64 !== undefined) masked.data_base64 = `[hidden: ${data_base64.length} characters of base64]`;
  return masked;
}

export function EventView(props: { id: string; detail: EventDetail; reveal: boolean; maxAttempts?: number; now?: number }) {
  const { id, detail, reveal } = props;
  const maxAttempts = props.maxAttempts ?? 8;
  const now = props.now ?? Date.now();
  const pending = detail.state === "pending" || detail.deliveries.some((d) => d.state === "pending");
  const event = detail.event ?? { id };
  const path = encodeURIComponent(id);
  const timeline = timelineOf(detail);
  return (
    <section aria-labelledby="event-title">
      <Heading title="Event">
        <p>
          <a href="#events">Back to events</a>
        </p>
      </Heading>
      <dl class="facts">
        <dt>Id</dt>
        <dd class="mono">{reveal ? id : maskId(id)}</dd>
        <dt>Type</dt>
        <dd>{"type" in event ? (reveal ? event.type : maskId(event.type)) : ""}</dd>
        <dt>Subject</dt>
        <dd class="subject">{"subject" in event && event.subject ? (reveal ? event.subject : maskText(event.subject)) : ""}</dd>
        <dt>Source</dt>
        <dd>{"source" in event ? event.source : ""}</dd>
        <dt>Received</dt>
        <dd>
          <Time at={"receivedat" in event ? event.receivedat : undefined} />
        </dd>
        <dt>State</dt>
        <dd>
          <State state={detail.state} />
        </dd>
      </dl>

      <h2>Routes</h2>
      {detail.deliveries.length === 0 ? (
        <p class="empty">No route took this event.</p>
      ) : (
        <ApiForm call={`POST /admin/events/${path}/redeliver`} done="Redelivery queued; this view follows it." label="Redeliver" follow>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Redeliver</th>
                <th scope="col">Route</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {detail.deliveries.map((d) => (
                <tr>
                  <td>
                    <input type="checkbox" name="routes" value={d.routeId} id={`redeliver-${d.routeId}`} aria-label={`Redeliver to ${d.routeId}`} />
                  </td>
                  <td>
                    <label for={`redeliver-${d.routeId}`}>{d.routeId}</label>
                  </td>
                  <td>
                    <State state={d.state} />
                  </td>
                  <td>
                    {progressText(progressOf(d), maxAttempts, now) || plural(d.attempts.length, "attempt")}
                    {d.waiting ? <WhyItWaits waiting={d.waiting} /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions">
            <button type="submit">Redeliver</button>
            <small class="hint">No route ticked: every route the envelope has now.</small>
          </div>
        </ApiForm>
      )}

      <h2>Timeline</h2>
      {pending ? <RefreshNote>A delivery is under way: this view reads itself again every 5 seconds.</RefreshNote> : null}
      <ol class="timeline" id="timeline">
        {timeline.map((entry) => (
          <TimelineLine entry={entry} />
        ))}
      </ol>

      <h2>Envelope</h2>
      {detail.event ? (
        <Envelope envelope={detail.event} path={path} reveal={reveal} />
      ) : (
        <p class="empty">The envelope is no longer kept (it was too large for the log and has expired).</p>
      )}
    </section>
  );
}

function Envelope(props: { envelope: NonNullable<EventDetail["event"]>; path: string; reveal: boolean }) {
  const { envelope, path, reveal } = props;
  return (
    <>
      <div class="reveal">
        {reveal ? (
          <p>
            <strong>Personal data shown in full.</strong> <LoadButton view={`events/${path}`}>Mask personal data</LoadButton>
          </p>
        ) : (
          <p>
            Personal data is masked.{" "}
            <LoadButton view={`events/${path}?reveal=1`} id="reveal">
              Reveal this payload
            </LoadButton>
          </p>
        )}
      </div>
      <Json value={shownEnvelope(envelope, reveal)} label="The envelope" />
      <DataSchema type={envelope.type} />
    </>
  );
}

/** Beside the envelope: the JSON Schema of its type's data, from the event-type catalog (docs/event-types.md). */
function DataSchema(props: { type: string }) {
  const entry = findEventType(props.type);
  if (!entry) return <p class="muted">No schema in the catalog for this type (a generic or Standard Webhooks source keeps the sender's types).</p>;
  return (
    <details class="data-schema">
      <summary>
        Schema of <span class="mono">data</span> for <span class="mono">{entry.type}</span>
      </summary>
      <Json value={dataSchema(entry)} label={`The JSON Schema of ${entry.type}'s data`} />
    </details>
  );
}

function TimelineLine(props: { entry: TimelineEntry }) {
  const { entry } = props;
  if (entry.kind === "request") {
    return (
      <li class="request">
        <Time at={entry.at} /> <strong>request</strong> <State state={entry.outcome} /> <span class="mono">{entry.requestId}</span>
      </li>
    );
  }
  if (entry.kind === "action") {
    return (
      <li class="action">
        <Time at={entry.at} /> <strong>{entry.action} by an operator</strong> to {entry.routeId}
      </li>
    );
  }
  if (entry.kind === "dead") {
    return (
      <li class="dead">
        <Time at={entry.at} /> <State state="dead" /> <strong>became a dead letter</strong> for {entry.routeId}:{" "}
        <a href={consoleHref("dead-letters", undefined, { route: entry.routeId })}>see the dead letters</a>
      </li>
    );
  }
  return (
    <li class="attempt">
      <Time at={entry.at} /> <strong>attempt</strong> to {entry.routeId}: {attemptResult(entry)}
      {entry.durationMs !== undefined ? <span class="muted"> in {entry.durationMs} ms</span> : null}
    </li>
  );
}

/** A target's error body can quote the payload back: it is masked like the payload. */
function attemptResult(entry: Extract<TimelineEntry, { kind: "attempt" }>): string {
  const error = entry.error === undefined ? undefined : maskText(entry.error);
  if (entry.status !== undefined) return `HTTP ${entry.status}${error ? ` (${error})` : ""}`;
  return error ?? "no answer";
}

/** Why a pending delivery waits (docs/delivery.md, "Parked, not churned"), and when it goes next when that is known. */
function WhyItWaits(props: { waiting: NonNullable<EventDetail["deliveries"][number]["waiting"]> }) {
  const { reason, since, next, behind } = props.waiting;
  const why =
    reason === "paused"
      ? "waiting: the route is paused"
      : reason === "open"
        ? "waiting: the route's breaker is open"
        : `waiting behind sequence ${behind ?? "?"} of its key`;
  return (
    <div class="muted">
      {why}, since <Time at={since} />
      {next !== undefined ? (
        <span>
          ; next probe <Time at={next} />
        </span>
      ) : null}
    </div>
  );
}
