/** @jsxImportSource hono/jsx */
import { maskId, maskText } from "../personal-data";
import type { EventList } from "../shapes";
import { consoleHref, Empty, Field, Heading, localInput, plural, progressText, SearchForm, Select, State, Time } from "./parts";

export const EVENT_STATES = ["pending", "delivered", "dead", "unrouted", "filtered"];

export interface EventSearch {
  q?: string;
  source?: string;
  type?: string;
  state?: string;
  since?: string;
  until?: string;
}

/**
 * The search form and one page of events, newest first, each route with its progress; ids and
 * subjects masked where they hold personal data. `now` dates "next in ~4 min".
 */
export function EventsView(props: { list: EventList; search: EventSearch; sources: string[]; maxAttempts?: number; now?: number }) {
  const { list, search } = props;
  const maxAttempts = props.maxAttempts ?? 8;
  const now = props.now ?? Date.now();
  return (
    <section aria-labelledby="events-title">
      <Heading title="Events" />
      <SearchForm view="events" label="Search events">
        <Field
          id="ev-q"
          label="Envelope id, provider id or subject"
          name="q"
          value={search.q}
          hint="e.g. a BS2 Id, a Pix endToEndId, a boleto number or an envelope id"
        />
        <Select id="ev-source" label="Source" name="source" options={props.sources} value={search.source} blank="any source" />
        <Field id="ev-type" label="Type" name="type" value={search.type} hint="e.g. bs2.boleto.settled" />
        <Select id="ev-state" label="State" name="state" options={EVENT_STATES} value={search.state} blank="any state" />
        <Field id="ev-since" label="Received since (UTC)" name="since" type="datetime-local" value={localInput(search.since)} />
        <Field id="ev-until" label="Received until (UTC)" name="until" type="datetime-local" value={localInput(search.until)} />
        <div class="actions">
          <button type="submit">Search</button>
        </div>
      </SearchForm>
      {list.events.length === 0 ? (
        <Empty>No event matches.</Empty>
      ) : (
        <div class="table-scroll">
          <table class="list cards" id="events-table">
            <caption>{plural(list.events.length, "event")}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Envelope</th>
                <th scope="col">Source</th>
                <th scope="col">Type</th>
                <th scope="col">Subject</th>
                <th scope="col">State</th>
                <th scope="col">Routes</th>
              </tr>
            </thead>
            <tbody>
              {list.events.map((event) => (
                <tr>
                  <td data-label="Received">
                    <Time at={event.receivedat} />
                  </td>
                  <td data-label="Envelope" class="mono">
                    <a href={consoleHref("events", event.id)}>{maskId(event.id)}</a>
                  </td>
                  <td data-label="Source">{event.source}</td>
                  <td data-label="Type">{maskId(event.type)}</td>
                  <td data-label="Subject" class="subject">
                    {event.subject ? maskText(event.subject) : ""}
                  </td>
                  <td data-label="State">
                    <State state={event.state} />
                  </td>
                  <td data-label="Routes">
                    <ul class="inline">
                      {Object.entries(event.routes).map(([route, state]) => {
                        const progress = event.deliveries?.[route];
                        const words = progress ? progressText(progress, maxAttempts, now) : "";
                        return (
                          <li>
                            {route}: <State state={state} />
                            {words ? <span class="progress"> {words}</span> : null}
                          </li>
                        );
                      })}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.cursor ? (
        <p>
          <a href={consoleHref("events", undefined, { ...search, cursor: list.cursor })}>Older events</a>
        </p>
      ) : null}
    </section>
  );
}
