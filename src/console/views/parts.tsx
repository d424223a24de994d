/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { JSX } from "hono/jsx/jsx-runtime";

/**
 * Small pieces every view uses. Everything goes through Hono's JSX, which escapes text and
 * attribute values; no view builds HTML from strings, and no payload value ever becomes a URL,
 * a style or an event handler.
 */

/** A link inside the console: a hash the page's script reads; payload ids are percent-encoded into it. */
export function consoleHref(view: string, id?: string, query?: Record<string, string | undefined>): string {
  const path = id === undefined ? view : `${view}/${encodeURIComponent(id)}`;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ""}`;
}

/** 2026-12-01T10:25:16.123Z → 2026-12-01 10:25:16 UTC; an unreadable date is shown as given. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** An ISO time as a `datetime-local` value (UTC, as the labels say), so a search shows its bounds again. */
export function localInput(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 16);
}

export function Time(props: { at: string | null | undefined }) {
  return props.at ? <time datetime={props.at}>{formatTime(props.at)}</time> : <span class="none">none</span>;
}

/** States carry a word and a sign, never colour alone. */
const STATE_SIGNS: Record<string, string> = {
  delivered: "✓",
  accepted: "✓",
  pending: "…",
  retrying: "↻",
  dead: "✗",
  unrouted: "∅",
  duplicate: "=",
  quarantined: "!",
  replaying: "↻",
};

export function stateTone(state: string): "ok" | "wait" | "bad" | "plain" {
  if (state === "delivered" || state === "accepted") return "ok";
  if (state === "pending" || state === "retrying" || state === "replaying") return "wait";
  if (state === "dead" || state === "quarantined" || state === "unrouted" || state === "invalid_payload" || state === "unavailable") return "bad";
  return "plain";
}

export function State(props: { state: string }) {
  const sign = STATE_SIGNS[props.state] ?? "·";
  return (
    <span class={`state ${stateTone(props.state)}`}>
      <span aria-hidden="true">{sign}</span> {props.state}
    </span>
  );
}

export function Heading(props: { title: string; children?: Child }) {
  return (
    <header class="view-head">
      <h1 tabindex={-1}>{props.title}</h1>
      {props.children}
    </header>
  );
}

/**
 * The nonce of the render under way (a random value per view answer, sent beside it as
 * `X-Console-Nonce`). The page's script acts on a form or button only when it carries this
 * render's nonce, so markup that did not come from the views' own components is inert even if it
 * ever reached the page.
 */
let renderNonce = "";

/**
 * A view rendered with its nonce. Views render synchronously, so no other render runs while the
 * nonce is set; one that did not would be refused rather than given another render's nonce.
 */
export function renderWithNonce(node: JSX.Element, nonce: string): string {
  renderNonce = nonce;
  try {
    const html = node.toString();
    if (typeof html !== "string") throw new Error("a console view must render synchronously");
    return html;
  } finally {
    renderNonce = "";
  }
}

/** A form the page's script sends as an admin API call; its answer or error appears in the form. */
/** `show`: the answer is shown in the form's `[data-output]` instead of the view being read again. */
export function ApiForm(props: {
  call: string;
  done: string;
  confirm?: string;
  label?: string;
  class?: string;
  follow?: boolean;
  show?: boolean;
  children: Child;
}) {
  return (
    <form
      data-api={props.call}
      data-show={props.show ? "" : undefined}
      data-done={props.done}
      data-confirm={props.confirm}
      data-follow={props.follow ? "" : undefined}
      data-nonce={renderNonce}
      aria-label={props.label}
      class={props.class}
    >
      {props.children}
      <p class="form-error" data-error role="alert" />
    </form>
  );
}

/** A search form: the page's script turns its fields into the view's query (`#events?source=acme`). */
export function SearchForm(props: { view: string; label: string; children: Child }) {
  return (
    <form data-search={props.view} data-nonce={renderNonce} class="filters" aria-label={props.label}>
      {props.children}
    </form>
  );
}

/** A button that reads a console view again in place (the hash stays as it is). */
export function LoadButton(props: { view: string; id?: string; children: Child }) {
  return (
    <button type="button" data-load={props.view} data-nonce={renderNonce} id={props.id}>
      {props.children}
    </button>
  );
}

export function Field(props: { label: string; name: string; value?: string; type?: string; hint?: string; list?: boolean; required?: boolean; id: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        data-list={props.list ? "" : undefined}
        data-iso={props.type === "datetime-local" ? "" : undefined}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        autocomplete="off"
      />
      {props.hint ? (
        <small id={`${props.id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}

export function Select(props: { label: string; name: string; id: string; options: string[]; value?: string; blank?: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.blank !== undefined ? <option value="">{props.blank}</option> : null}
        {props.options.map((option) => (
          <option value={option} selected={option === props.value}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Json(props: { value: unknown; label: string }) {
  return (
    <section aria-label={props.label}>
      <pre class="json" tabindex={0}>
        {JSON.stringify(props.value, null, 2)}
      </pre>
    </section>
  );
}

/** "1 request", "2 requests". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export interface RouteProgress {
  state: string;
  attempts: number;
  lastStatus?: number;
  nextAttemptAt?: string;
}

/** "retrying 2 of 8, last 500, next in ~4 min": a route's delivery in words, at `now`. */
export function progressText(progress: RouteProgress, maxAttempts: number, now: number): string {
  const last = `last ${progress.lastStatus ?? "no answer"}`;
  if (progress.state === "delivered") return progress.attempts > 1 ? `after ${plural(progress.attempts, "attempt")}` : "";
  if (progress.state === "dead") return progress.attempts > 0 ? `after ${plural(progress.attempts, "attempt")}, ${last}` : "";
  if (progress.attempts === 0) return "queued";
  const next = progress.nextAttemptAt ? `, next ${inAbout(Date.parse(progress.nextAttemptAt) - now)}` : "";
  return `retrying ${progress.attempts} of ${maxAttempts}, ${last}${next}`;
}

function inAbout(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return "due now";
  if (ms < 60_000) return "in <1 min";
  if (ms < 3_600_000) return `in ~${Math.round(ms / 60_000)} min`;
  return `in ~${Math.round(ms / 3_600_000)} h`;
}

/** Tells the page's script to read this view again while something in it is under way. */
export function RefreshNote(props: { children: Child }) {
  return (
    <p class="hint" data-refresh="" data-nonce={renderNonce}>
      {props.children}
    </p>
  );
}

export function Empty(props: { children: Child }) {
  return <p class="empty">{props.children}</p>;
}
