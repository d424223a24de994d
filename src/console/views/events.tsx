/** @jsxImportSource hono/jsx */
import { maskText } from "../personal-data";
import type { EventList } from "../shapes";
import { consoleHref, Empty, Field, Heading, localInput, Select, State, Time } from "./parts";

export const EVENT_STATES = ["pending", "delivered", "dead", "unrouted", "filtered"];

export interface EventSearch {
  q?: string;
  subject?: string;
  source?: string;
  type?: string;
  state?: string;
  since?: string;
  until?: string;
}

/** The search form and one page of events, newest first; subjects masked where they hold personal data. */
export function EventsView(props: { list: EventList; search: EventSearch; sources: string[] }) {
  const { list, search } = props;
  return (
    <section aria-labelledby="events-title">
      <Heading title="Events" />
      <form data-search="events" class="filters" aria-label="Search events">
        <Field id="ev-q" label="Envelope id or subject" name="q" value={search.q} />
        <Field id="ev-subject" label="Subject" name="subject" value={search.subject} />
        <Select id="ev-source" label="Source" name="source" options={props.sources} value={search.source} blank="any source" />
        <Field id="ev-type" label="Type" name="type" value={search.type} hint="e.g. bs2.boleto.settled" />
        <Select id="ev-state" label="State" name="state" options={EVENT_STATES} value={search.state} blank="any state" />
        <Field id="ev-since" label="Received since (UTC)" name="since" type="datetime-local" value={localInput(search.since)} />
        <Field id="ev-until" label="Received until (UTC)" name="until" type="datetime-local" value={localInput(search.until)} />
        <div class="actions">
          <button type="submit">Search</button>
        </div>
      </form>
      {list.events.length === 0 ? (
        <Empty>No event matches.</Empty>
      ) : (
        <table class="list" id="events-table">
          <caption>{list.events.length === 1 ? "1 event" : `${list.events.length} events`}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
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
                <td>
                  <a href={consoleHref("events", event.id)} aria-label={`Open ${event.id}`}>
                    <Time at={event.receivedat} />
                  </a>
                </td>
                <td>{event.source}</td>
                <td>{event.type}</td>
                <td class="subject">{event.subject ? maskText(event.subject) : ""}</td>
                <td>
                  <State state={event.state} />
                </td>
                <td>
                  <ul class="inline">
                    {Object.entries(event.routes).map(([route, state]) => (
                      <li>
                        {route}: <State state={state} />
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.cursor ? (
        <p>
          <a href={consoleHref("events", undefined, { ...search, cursor: list.cursor })}>Older events</a>
        </p>
      ) : null}
    </section>
  );
}
