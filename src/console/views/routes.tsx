/** @jsxImportSource hono/jsx */
import type { RouteItem } from "../shapes";
import { ApiForm, Empty, Field, Heading, Select } from "./parts";

const METHODS = ["POST", "PUT", "GET"];
const AUTH_TYPES = ["none", "bearer", "basic", "header"];

/** Config routes (read-only) and added ones, which can be changed and deleted; a form to add one. */
export function RoutesView(props: { routes: RouteItem[] }) {
  return (
    <section aria-labelledby="routes-title">
      <Heading title="Routes" />
      {props.routes.length === 0 ? (
        <Empty>No route: nothing is delivered.</Empty>
      ) : (
        <table class="list cards" id="routes-table">
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Origin</th>
              <th scope="col">Events</th>
              <th scope="col">Sources</th>
              <th scope="col">Target</th>
              <th scope="col">Auth</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.routes.map((route) => (
              <tr data-route={route.id}>
                <td data-label="Id" class="mono">
                  {route.id}
                </td>
                <td data-label="Origin">{route.readOnly ? "config (read-only)" : "added"}</td>
                <td data-label="Events">
                  {route.events.join(", ")}
                  {route.filter ? <div class="mono filter">filter: {JSON.stringify(route.filter)}</div> : null}
                  {route.transform !== undefined ? <div class="mono filter">transform: {route.transform}</div> : null}
                </td>
                <td data-label="Sources">{route.sources?.join(", ") ?? "all"}</td>
                <td data-label="Target" class="mono">
                  {route.method} {route.url}
                </td>
                <td data-label="Auth">
                  {route.auth.type}
                  {route.signingSecret !== undefined ? ", signed" : ""}
                </td>
                <td data-label="State">
                  <RouteState route={route} />
                </td>
                <td data-label="Actions">
                  <PauseOrResume route={route} />
                  {route.readOnly ? <span class="muted">change it in the config</span> : <RouteActions route={route} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <TryTransform />
      <h2 id="add-route">Add a route</h2>
      <ApiForm call="POST /admin/routes" done="Route added." label="Add a route" class="route-form">
        <RouteFields prefix="new" />
        <div class="actions">
          <button type="submit">Add route</button>
        </div>
      </ApiForm>
    </section>
  );
}

/** active, paused (by the operator) or open (by the breaker), since when and why. */
function RouteState(props: { route: RouteItem }) {
  const { route } = props;
  if (route.state === undefined) return <span class="muted">unknown</span>;
  return (
    <span data-state={route.state} title={route.reason}>
      {route.state === "open" ? "open (breaker)" : route.state}
      {route.since !== undefined && route.state !== "active" ? <span class="muted"> since {route.since}</span> : null}
      {route.parked !== undefined && route.parked > 0 ? <span class="muted"> · {route.parked} parked</span> : null}
    </span>
  );
}

/** Pause an active route; resume a paused or open one (docs/console.md). */
function PauseOrResume(props: { route: RouteItem }) {
  const { route } = props;
  const path = `/admin/routes/${encodeURIComponent(route.id)}`;
  if (route.state === "active") {
    return (
      <ApiForm
        call={`POST ${path}/pause`}
        done="Route paused."
        confirm={`Pause route ${route.id}? Nothing is delivered to it until it is resumed.`}
        label={`Pause ${route.id}`}
      >
        <button type="submit">Pause</button>
      </ApiForm>
    );
  }
  if (route.state === undefined) return null;
  return (
    <ApiForm call={`POST ${path}/resume`} done="Route resumed." label={`Resume ${route.id}`}>
      <button type="submit">Resume</button>
    </ApiForm>
  );
}

function RouteActions(props: { route: RouteItem }) {
  const { route } = props;
  const path = `/admin/routes/${encodeURIComponent(route.id)}`;
  return (
    <div class="row-actions">
      <details>
        <summary>Edit</summary>
        <ApiForm call={`PUT ${path}`} done="Route saved." label={`Edit ${route.id}`} class="route-form">
          <RouteFields prefix={route.id} route={route} />
          <div class="actions">
            <button type="submit">Save</button>
          </div>
        </ApiForm>
      </details>
      <ApiForm call={`DELETE ${path}`} done="Route deleted." confirm={`Delete route ${route.id}?`} label={`Delete ${route.id}`}>
        <button type="submit" class="danger">
          Delete
        </button>
      </ApiForm>
    </div>
  );
}

/** The admin API's route body. Secrets are never shown, so auth is entered again on every save. */
function RouteFields(props: { prefix: string; route?: RouteItem }) {
  const { prefix, route } = props;
  const id = (name: string) => `${prefix}-${name}`;
  // A URL shown masked (credentials in it, or a secret reference) must be entered again, not saved masked.
  const url = route && !route.url.includes("********") && !route.url.startsWith("{") ? route.url : undefined;
  return (
    <>
      <Field id={id("url")} label="Target URL" name="url" value={url} required hint="https, or http://localhost / http://127.0.0.1 for local development" />
      <Field id={id("event")} label="Event type or glob" name="event" value={route?.events[0]} required={!route} hint="e.g. bs2.boleto.* or *" />
      <Select id={id("method")} label="Method" name="method" options={METHODS} value={route?.method ?? "POST"} />
      <Field id={id("sources")} label="Sources (comma separated, empty for all)" name="sources" value={route?.sources?.join(", ")} list />
      <TransformField id={id("transform")} value={route?.transform} />
      <fieldset>
        <legend>Auth to the target{route ? " (enter it again: secrets are never shown)" : ""}</legend>
        <Select id={id("auth-type")} label="Type" name="auth.type" options={AUTH_TYPES} value={route?.auth.type ?? "none"} />
        <Field id={id("auth-username")} label="Username (basic)" name="auth.username" value={route?.auth.username} />
        <Field id={id("auth-password")} label="Password (basic)" name="auth.password" type="password" />
        <Field id={id("auth-token")} label="Token (bearer)" name="auth.token" type="password" />
        <Field id={id("auth-name")} label="Header name (header)" name="auth.name" value={route?.auth.name} />
        <Field id={id("auth-value")} label="Header value (header)" name="auth.value" type="password" />
      </fieldset>
    </>
  );
}

/** A route's JSONata transform (docs/transforms.md); empty keeps the envelope as the body. */
function TransformField(props: { id: string; value?: string; required?: boolean }) {
  return (
    <div class="field">
      <label for={props.id}>Transform (JSONata, empty: the envelope)</label>
      <textarea id={props.id} name="transform" rows={3} class="mono" required={props.required} aria-describedby={`${props.id}-hint`} spellcheck={false}>
        {props.value ?? ""}
      </textarea>
      <small id={`${props.id}-hint`} class="hint">
        e.g. {'{"boleto": data.NossoNumeroBoleto, "paidAt": time}'}
      </small>
    </div>
  );
}

/** Paste a transform and an event id, run it, see what the route would receive (POST /admin/routes/test-transform). */
function TryTransform() {
  return (
    <>
      <h2 id="try-transform">Try a transform</h2>
      <ApiForm call="POST /admin/routes/test-transform" done="Transform tried." label="Try a transform" class="route-form" show>
        <TransformField id="try-transform-expression" required />
        <Field id="try-transform-event" label="Event id (from the event log)" name="eventId" required hint="e.g. bs2:6f1c2d9a:3" />
        <div class="actions">
          <button type="submit">Run</button>
        </div>
        <pre class="mono transform-output" data-output aria-live="polite" />
      </ApiForm>
    </>
  );
}
